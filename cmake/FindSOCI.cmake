# FindSOCI: Debian's libsoci-dev (4.0) ships headers and libraries but no CMake package.
# Provides SOCI::core and one SOCI::<backend> target per requested component
# (sqlite3, postgresql, ...), each linking SOCI::core and the backend's client library.
include(FindPackageHandleStandardArgs)

find_path(SOCI_INCLUDE_DIR NAMES soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)
set(_soci_version "")
if(SOCI_INCLUDE_DIR AND EXISTS "${SOCI_INCLUDE_DIR}/soci/version.h")
  file(STRINGS "${SOCI_INCLUDE_DIR}/soci/version.h" _soci_v REGEX "#define SOCI_LIB_VERSION ")
  string(REGEX REPLACE ".*\"([0-9_]+)\".*" "\\1" _soci_version "${_soci_v}")
  string(REPLACE "_" "." _soci_version "${_soci_version}")
endif()

foreach(_c IN LISTS SOCI_FIND_COMPONENTS)
  find_library(SOCI_${_c}_LIBRARY NAMES soci_${_c})
  if(SOCI_${_c}_LIBRARY)
    set(SOCI_${_c}_FOUND TRUE)
  endif()
endforeach()

find_package_handle_standard_args(SOCI
  REQUIRED_VARS SOCI_CORE_LIBRARY SOCI_INCLUDE_DIR
  VERSION_VAR _soci_version
  HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
  foreach(_c IN LISTS SOCI_FIND_COMPONENTS)
    if(SOCI_${_c}_FOUND)
      add_library(SOCI::${_c} UNKNOWN IMPORTED)
      set_target_properties(SOCI::${_c} PROPERTIES IMPORTED_LOCATION "${SOCI_${_c}_LIBRARY}")
      target_link_libraries(SOCI::${_c} INTERFACE SOCI::core)
      if(_c STREQUAL "postgresql")
        find_package(PostgreSQL QUIET)
        if(PostgreSQL_FOUND)
          target_include_directories(SOCI::${_c} INTERFACE ${PostgreSQL_INCLUDE_DIRS})
          target_link_libraries(SOCI::${_c} INTERFACE ${PostgreSQL_LIBRARIES})
        endif()
      elseif(_c STREQUAL "sqlite3")
        find_package(SQLite3 QUIET)
        if(SQLite3_FOUND)
          target_link_libraries(SOCI::${_c} INTERFACE SQLite::SQLite3)
        endif()
      endif()
    endif()
  endforeach()
endif()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
