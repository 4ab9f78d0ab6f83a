# embed.cmake - run with cmake -P: writes OUT, a C file defining
#   const char *NAME(size_t *len)
# that returns the bytes of IN (NUL-terminated). Used to build the bundled
# demo province into the binaries so it works from any directory.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n    "
       body "${body}")
get_filename_component(src "${IN}" NAME)
file(WRITE "${OUT}.tmp"
"/* Generated from ${src} by cmake/embed.cmake: do not edit. */\n"
"#include <stddef.h>\n\n"
"const char *${NAME}(size_t *len);\n\n"
"static const char data[] = {\n    ${body}0x00};\n\n"
"const char *${NAME}(size_t *len)\n{\n    if (len) *len = ${bytes};\n    return data;\n}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
