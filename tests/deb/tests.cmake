# The Debian package (cmake/packaging.cmake) and the container image made from it.
set(_kal_deb_out ${CMAKE_BINARY_DIR}/tests/deb/package)

# Packs this build directory's binary; the install test takes the .deb from here.
add_test(NAME deb.package
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/package.sh ${CMAKE_CPACK_COMMAND} ${CMAKE_BINARY_DIR} ${_kal_deb_out})
set_tests_properties(deb.package PROPERTIES FIXTURES_SETUP deb_package LABELS deb)

# Installs it into a clean Debian 12 root (debootstrap from Debian's archive) and serves there;
# about a minute, most of it debootstrap. Skipped (77) without root or debootstrap. Its own deadline
# (KAL_DEB_TEST_BUDGET, 420 s) ends it, and cleans up, before ctest's TIMEOUT would kill it. Not
# RUN_SERIAL: it uses one core like any other test, and the PostgreSQL outage test is RUN_SERIAL
# itself, so the two never overlap.
add_test(NAME deb.install COMMAND ${CMAKE_CURRENT_LIST_DIR}/install_test.sh ${_kal_deb_out})
set_tests_properties(deb.install PROPERTIES
  FIXTURES_REQUIRED deb_package SKIP_RETURN_CODE 77 TIMEOUT 480 LABELS deb PROCESSORS 1)

# The Containerfile installs that package and lists nothing by hand (read statically: no
# container engine is needed).
add_test(NAME deb.containerfile COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/containerfile_test.py ${PROJECT_SOURCE_DIR})
set_tests_properties(deb.containerfile PROPERTIES LABELS deb)
