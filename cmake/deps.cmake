# Finds ioc's dependencies with pkg-config; a missing one stops configure
# with the Debian package that provides it.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "ioc needs pkg-config: apt-get install pkg-config (or run scripts/deps.sh)")
endif()

# ioc_require(VAR MODULE DEBIAN_PACKAGE): import MODULE as PkgConfig::VAR.
function(ioc_require var module debpkg)
  pkg_check_modules(${var} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR
      "ioc needs ${module} (not found by pkg-config).\n"
      "Install it with: apt-get install ${debpkg}   (or run scripts/deps.sh)")
  endif()
endfunction()

ioc_require(NCURSES ncursesw libncurses-dev)
# ncursesw's pkg-config cflags are "-D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600", which
# clash with the project's _XOPEN_SOURCE=700 ("redefined" under -Werror); the
# project's own defines already give curses what it needs.
set_property(TARGET PkgConfig::NCURSES PROPERTY INTERFACE_COMPILE_OPTIONS "")
ioc_require(CURL libcurl libcurl4-openssl-dev)
ioc_require(CJSON libcjson libcjson-dev)
ioc_require(YAML yaml-0.1 libyaml-dev)
ioc_require(MHD libmicrohttpd libmicrohttpd-dev)
ioc_require(SQLITE sqlite3 libsqlite3-dev)
ioc_require(UTF8PROC libutf8proc libutf8proc-dev)
ioc_require(PCRE2 libpcre2-8 libpcre2-dev)
if(IOC_TESTS)
  ioc_require(CMOCKA cmocka libcmocka-dev)
endif()
