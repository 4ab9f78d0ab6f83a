# package.cmake: what a Debian package of ioc holds beyond the binaries, and
# how CPack builds it (cpack -G DEB in the build tree, or scripts/package.sh).
# docs/deploy.md describes the result. Files only the package installs (the
# config in /etc, the systemd unit, the sysusers.d user, copyright and
# changelog) are in the component "deb", left out of a plain cmake --install
# so that installing under a prefix never writes to /etc or /lib.

set(IOC_PACKAGE_MAINTAINER "ioc maintainers <ioc-maintainers@example.org>"
    CACHE STRING "Maintainer field of the Debian package (and of its changelog)")

set(_dist ${CMAKE_SOURCE_DIR}/dist)
set(_pkg ${CMAKE_BINARY_DIR}/package)
file(MAKE_DIRECTORY ${_pkg})

# ioc_gzip(OUT IN): OUT is IN compressed as lintian wants it (gzip -9n: no
# name, no time stamp), rebuilt when IN changes; OUT joins ioc_gzipped.
set(ioc_gzipped "")
function(ioc_gzip out in)
  add_custom_command(OUTPUT ${out}
    COMMAND sh -c "gzip -9nc <\"$1\" >\"$2\"" sh ${in} ${out}
    DEPENDS ${in} COMMENT "Compressing ${in}" VERBATIM)
  set(ioc_gzipped ${ioc_gzipped} ${out} PARENT_SCOPE)
endfunction()

# Man pages: ioc(1), ioc-sim(1), ioc.yaml(5).
foreach(page ioc.1 ioc-sim.1 ioc.yaml.5)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" sec ${page})
  ioc_gzip(${_pkg}/${page}.gz ${CMAKE_SOURCE_DIR}/docs/${page})
  install(FILES ${_pkg}/${page}.gz DESTINATION share/man/man${sec})
endforeach()

# The changelog, in Debian's format, with this version.
configure_file(${_dist}/changelog.in ${_pkg}/changelog @ONLY)
ioc_gzip(${_pkg}/changelog.gz ${_pkg}/changelog)
add_custom_target(ioc_package_files ALL DEPENDS ${ioc_gzipped})

# Shell completion (found by bash-completion and zsh under any prefix).
install(FILES ${_dist}/ioc.bash DESTINATION share/bash-completion/completions RENAME ioc)
install(FILES ${_dist}/ioc.bash DESTINATION share/bash-completion/completions RENAME ioc-sim)
install(FILES ${_dist}/_ioc DESTINATION share/zsh/vendor-completions)

# Examples next to the demo province (share/ioc, config/CMakeLists.txt).
install(FILES ${_dist}/ioc.yaml ${CMAKE_SOURCE_DIR}/tests/fixtures/config/minimal.yaml
              ${CMAKE_SOURCE_DIR}/config/national.yaml
        DESTINATION share/ioc/examples)

# The Vietnamese message catalogue: po/vi.po compiled with msgfmt into the
# build tree's locale/ (where ioc run from the build tree binds it, ioc/main.c)
# and installed where bindtextdomain("ioc", CMAKE_INSTALL_FULL_LOCALEDIR) finds it.
include(GNUInstallDirs)
find_program(MSGFMT msgfmt REQUIRED)
set(_mo ${CMAKE_BINARY_DIR}/locale/vi/LC_MESSAGES/ioc.mo)
add_custom_command(OUTPUT ${_mo}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/locale/vi/LC_MESSAGES
  COMMAND ${MSGFMT} --check -o ${_mo} ${CMAKE_SOURCE_DIR}/po/vi.po
  DEPENDS ${CMAKE_SOURCE_DIR}/po/vi.po VERBATIM)
add_custom_target(ioc_catalogue ALL DEPENDS ${_mo})
install(FILES ${_mo} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/vi/LC_MESSAGES)

# The package's own files: component "deb", not part of cmake --install.
install(FILES ${_dist}/ioc.yaml DESTINATION /etc/ioc COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${_dist}/ioc.service DESTINATION /lib/systemd/system
        COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${_dist}/ioc.sysusers DESTINATION lib/sysusers.d RENAME ioc.conf
        COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${_dist}/copyright ${_pkg}/changelog.gz DESTINATION share/doc/ioc
        COMPONENT deb EXCLUDE_FROM_ALL)
file(GLOB _docs ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${_docs} DESTINATION share/doc/ioc COMPONENT deb EXCLUDE_FROM_ALL)

# conffiles: dpkg keeps an administrator's edits of these on upgrade.
file(WRITE ${_pkg}/conffiles "/etc/ioc/ioc.yaml\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ioc)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "ioc")
set(CPACK_PACKAGE_CONTACT "${IOC_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "console and collector for a provincial Intelligent Operations Centre")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
# One package from the default component and "deb".
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Unspecified deb)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_NAME ioc)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${IOC_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The extended description: CPack puts the summary above it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "ioc polls KPIs over HTTP (JSON, Prometheus text, CSV) from the connected
systems of a province, keeps them in a time-series store and a SQLite
archive, evaluates alert rules and sends notifications. It shows the
province on a full-screen terminal console (ioc console), runs headless as
a systemd service (ioc run), and writes snapshots and daily reports.
.
This package holds ioc, the ioc-sim feed simulator with a demo province,
the ioc.service unit, man pages and bash and zsh completion.")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_pkg}/conffiles ${_dist}/postinst ${_dist}/prerm ${_dist}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
