# Install rules and the Debian package (`make deb`, or `cpack -G DEB` in a build directory).
#
# The rules lay out the package, not a /usr/local installation: the paths are Debian's (binary in
# /usr/bin, unit in /lib/systemd/system as bookworm's packages have it, configuration in /etc), and
# deploy/kalendarium.service names /usr/bin/kalendarium. The system user, the state directory and
# the configuration's permissions are made by the maintainer scripts in deploy/deb/.

include(GNUInstallDirs)

set(_kal_deb_dir ${PROJECT_SOURCE_DIR}/deploy/deb)
set(_kal_state_dir /var/lib/kalendarium)

# The installed configuration is the example with every key, except that the database lives in
# the state directory: the example's relative sqlite:var/kalendarium.db would land wherever the
# command happens to be started.
file(READ ${PROJECT_SOURCE_DIR}/config/kalendarium.example.toml _kal_config)
set(_kal_example_url [[url = "sqlite:var/kalendarium.db"]])
string(FIND "${_kal_config}" "${_kal_example_url}" _kal_url_at)
if(_kal_url_at EQUAL -1)
  message(FATAL_ERROR "config/kalendarium.example.toml no longer has '${_kal_example_url}'; "
                      "update cmake/packaging.cmake, which points the package's database to ${_kal_state_dir}")
endif()
string(REPLACE "${_kal_example_url}" "url = \"sqlite:${_kal_state_dir}/kalendarium.db\"" _kal_config "${_kal_config}")
# Written through configure_file so that an unchanged file keeps its timestamp.
file(WRITE ${CMAKE_BINARY_DIR}/package/kalendarium.toml.new "${_kal_config}")
configure_file(${CMAKE_BINARY_DIR}/package/kalendarium.toml.new ${CMAKE_BINARY_DIR}/package/kalendarium.toml COPYONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/config/kalendarium.example.toml)

install(TARGETS kalendarium RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/kalendarium.service DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_BINARY_DIR}/package/kalendarium.toml DESTINATION /etc/kalendarium)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/config/kalendarium.example.toml
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/nginx.conf DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kalendarium)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "meetings of Överenskommelsen in Borås: API, calendar feeds, sign-ups")
# Relative destinations above land under /usr in the package, whatever CMAKE_INSTALL_PREFIX says.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The dev preset's binary carries debug information; the package does not need it.
set(CPACK_STRIP_FILES TRUE)
# kalendarium_<version>-<revision>_<arch>.deb
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(KAL_PACKAGE_MAINTAINER "Kalendarium <kalendarium@example.boras.se>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${KAL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The summary becomes the Description's first line; this is the text below it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Kalendarium runs the meetings of the compact between Borås Stad and its
civil-society organisations: a JSON API, iCalendar feeds, sign-ups with
waitlists, attendance, reminders and invitations by e-mail. It stores its
data in SQLite (the default, under ${_kal_state_dir}) or PostgreSQL.")
# Libraries come from the binary itself (dpkg-shlibdeps, from dpkg-dev), so the package and the
# container built from it cannot miss one. What the binary does not link but needs is listed:
# adduser for postinst, ca-certificates for SMTP over TLS (curl checks against the system's CAs).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, nginx")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_kal_deb_dir}/conffiles ${_kal_deb_dir}/postinst ${_kal_deb_dir}/prerm ${_kal_deb_dir}/postrm)
# Control files get the modes Debian policy wants (scripts 0755, the rest 0644), whatever the checkout has.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# Nobody builds source packages with CPack here; `package_source` would pack build directories.
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
