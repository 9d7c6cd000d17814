# FindCAF.cmake: locate the C++ Actor Framework 0.17 as shipped by Debian's
# libcaf-dev (headers in /usr/include/caf, libcaf_{core,io,openssl}.so), which
# has no CMake package config of its own.
#
#   find_package(CAF 0.17.6 EXACT REQUIRED COMPONENTS core io test)
#
# Components: core, io, openssl (shared libraries) and test (headers only).
# Imported targets:
#   CAF::core     libcaf_core, with Threads::Threads and cxx_std_17
#   CAF::io       libcaf_io, depends on CAF::core
#   CAF::openssl  libcaf_openssl, depends on CAF::io
#   CAF::test     INTERFACE (unit test headers), depends on CAF::core
# Variables: CAF_FOUND, CAF_VERSION, CAF_INCLUDE_DIR, CAF_<comp>_FOUND,
#            CAF_<comp>_LIBRARY.

find_path(CAF_INCLUDE_DIR NAMES caf/config.hpp
          HINTS ${CAF_ROOT_DIR}/include)
mark_as_advanced(CAF_INCLUDE_DIR)

# config.hpp: "#define CAF_VERSION 1706" means 0.17.6.
if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" _caf_version_line
       REGEX "^#[ \t]*define[ \t]+CAF_VERSION[ \t]+[0-9]+")
  if(_caf_version_line MATCHES "CAF_VERSION[ \t]+([0-9]+)")
    set(_caf_v "${CMAKE_MATCH_1}")
    math(EXPR _caf_major "${_caf_v} / 10000")
    math(EXPR _caf_minor "(${_caf_v} / 100) % 100")
    math(EXPR _caf_patch "${_caf_v} % 100")
    set(CAF_VERSION "${_caf_major}.${_caf_minor}.${_caf_patch}")
  endif()
  unset(_caf_version_line)
  unset(_caf_v)
endif()

if(NOT CAF_FIND_COMPONENTS)
  set(CAF_FIND_COMPONENTS core)
endif()
# Every library component needs core.
if(NOT "core" IN_LIST CAF_FIND_COMPONENTS)
  list(APPEND CAF_FIND_COMPONENTS core)
endif()

foreach(_comp IN LISTS CAF_FIND_COMPONENTS)
  if(_comp STREQUAL "test")
    if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/test/unit_test.hpp")
      set(CAF_test_FOUND TRUE)
    else()
      set(CAF_test_FOUND FALSE)
    endif()
  else()
    find_library(CAF_${_comp}_LIBRARY NAMES caf_${_comp}
                 HINTS ${CAF_ROOT_DIR}/lib)
    mark_as_advanced(CAF_${_comp}_LIBRARY)
    if(CAF_${_comp}_LIBRARY)
      set(CAF_${_comp}_FOUND TRUE)
    else()
      set(CAF_${_comp}_FOUND FALSE)
    endif()
  endif()
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CAF
  REQUIRED_VARS CAF_INCLUDE_DIR CAF_core_LIBRARY
  VERSION_VAR CAF_VERSION
  HANDLE_COMPONENTS)

if(NOT CAF_FOUND)
  return()
endif()

if(NOT TARGET Threads::Threads)
  find_package(Threads REQUIRED)
endif()

if(NOT TARGET CAF::core)
  add_library(CAF::core UNKNOWN IMPORTED)
  set_target_properties(CAF::core PROPERTIES
    IMPORTED_LOCATION "${CAF_core_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES Threads::Threads
    INTERFACE_COMPILE_FEATURES cxx_std_17)
endif()

if(CAF_io_FOUND AND NOT TARGET CAF::io)
  add_library(CAF::io UNKNOWN IMPORTED)
  set_target_properties(CAF::io PROPERTIES
    IMPORTED_LOCATION "${CAF_io_LIBRARY}"
    INTERFACE_LINK_LIBRARIES CAF::core)
endif()

if(CAF_openssl_FOUND AND NOT TARGET CAF::openssl)
  add_library(CAF::openssl UNKNOWN IMPORTED)
  set(_caf_openssl_deps CAF::core)
  if(CAF_io_FOUND)
    set(_caf_openssl_deps CAF::io)
  endif()
  set_target_properties(CAF::openssl PROPERTIES
    IMPORTED_LOCATION "${CAF_openssl_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "${_caf_openssl_deps}")
  unset(_caf_openssl_deps)
endif()

if(CAF_test_FOUND AND NOT TARGET CAF::test)
  add_library(CAF::test INTERFACE IMPORTED)
  set_target_properties(CAF::test PROPERTIES
    INTERFACE_LINK_LIBRARIES CAF::core)
endif()
