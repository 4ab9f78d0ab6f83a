# bash completion for ioc and ioc-sim            -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/ioc (and ioc-sim).
# Completes sub-commands, their options, the values of -f/--format, --date
# and --fail-on, and YAML files (with /etc/ioc/ioc.yaml) after -c/--config.

# _ioc_files [EXT...]: adds directories and files matching *.EXT (any file
# without EXT) under the word being completed to COMPREPLY.
_ioc_files()
{
    local cur=$1 ext IFS=$'\n'
    shift
    COMPREPLY+=($(compgen -d -- "$cur"))
    if [ $# -eq 0 ]; then
        COMPREPLY+=($(compgen -f -- "$cur"))
    else
        for ext in "$@"; do
            COMPREPLY+=($(compgen -f -X "!*.$ext" -- "$cur"))
        done
    fi
    type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
    return 0
}

# _ioc_words WORDS: sets COMPREPLY to the WORDS that start with the current word.
_ioc_words()
{
    local IFS=$' \t\n'
    COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

# _ioc: the completion function of ioc.
_ioc()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --format=FMT: bash splits the word at '=' (COMP_WORDBREAKS).
    if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    local commands="demo console snapshot run report check select help"
    if [ "$COMP_CWORD" -eq 1 ]; then
        if [[ $cur == -* ]]; then
            _ioc_words "--help --version"
        else
            _ioc_words "$commands"
        fi
        return 0
    fi
    cmd=${COMP_WORDS[1]}

    # The value of the option before the word.
    case "$cmd:$prev" in
    *:-c | *:--config)
        if [ "$cmd" != select ]; then
            _ioc_files "$cur" yaml yml
            # The service's config, wherever the shell is.
            if [[ /etc/ioc/ioc.yaml == "$cur"* && -e /etc/ioc/ioc.yaml && " ${COMPREPLY[*]} " != *" /etc/ioc/ioc.yaml "* ]]; then
                COMPREPLY+=(/etc/ioc/ioc.yaml)
            fi
            return 0
        fi
        ;;
    snapshot:-f | snapshot:--format)
        _ioc_words "json csv prom text"
        return 0
        ;;
    report:-f | report:--format)
        _ioc_words "text md csv json html"
        return 0
        ;;
    report:-d | report:--date)
        _ioc_words "today yesterday $(date +%F 2>/dev/null)"
        return 0
        ;;
    snapshot:--fail-on)
        # A comma-separated list: complete the last item.
        local done=${cur%"${cur##*,}"} item
        for item in warn crit down; do
            [[ ,$done == *,$item,* ]] && continue
            [[ $item == "${cur##*,}"* ]] && COMPREPLY+=("$done$item")
        done
        return 0
        ;;
    *:-o | *:--output)
        _ioc_files "$cur"
        return 0
        ;;
    esac

    local opts=""
    case "$cmd" in
    demo) opts="--wall --help" ;;
    console) opts="-c --config --wall --help" ;;
    run) opts="-c --config --help" ;;
    snapshot) opts="-c --config --demo --from-archive -f --format -o --output --fail-on --help" ;;
    report) opts="-c --config -d --date -f --format -o --output --help" ;;
    check) opts="-c --config -q --quiet --help" ;;
    select) opts="-c --compact --help" ;;
    help)
        [ "$COMP_CWORD" -eq 2 ] && _ioc_words "${commands% help}"
        return 0
        ;;
    *) return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        _ioc_words "$opts"
        return 0
    fi
    case "$cmd" in
    check) _ioc_files "$cur" yaml yml ;;      # ioc check FILE
    select)                                   # ioc select EXPR [FILE]
        local args=0
        for ((i = 2; i < COMP_CWORD; i++)); do
            [[ ${COMP_WORDS[i]} == -* ]] || args=$((args + 1))
        done
        [ "$args" -ge 1 ] && _ioc_files "$cur" json
        ;;
    esac
    return 0
}
complete -F _ioc ioc

# _ioc_sim: the completion function of ioc-sim.
_ioc_sim()
{
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    case "$prev" in
    -s | --scenario)
        _ioc_files "$cur" yaml yml
        return 0
        ;;
    --start)
        _ioc_words "now"
        return 0
        ;;
    -p | --port | -b | --bind | --seed | --time-scale) return 0 ;;
    esac
    _ioc_words "-s --scenario --demo -p --port -b --bind --seed --time-scale --start --check
                --help --version"
    return 0
}
complete -F _ioc_sim ioc-sim
