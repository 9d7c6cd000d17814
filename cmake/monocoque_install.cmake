# What `cmake --install <build> --prefix P` installs (included by the
# top-level CMakeLists.txt after every subdirectory; GNUInstallDirs is loaded):
#
#   P/include/caf/monocoque/**       public headers (libcaf_monocoque/, actors/;
#                                    never an internal/ directory: those are
#                                    the implementation's, as in CAF)
#   P/include/monocoque/**           ZMTP protocol headers (protocol/include/)
#   P/lib/libcaf_monocoque.{a,so*}   the plugin (shared with BUILD_SHARED_LIBS)
#   P/lib/libmonocoque_protocol.a    linked PUBLIC by the plugin
#   P/lib/cmake/caf_monocoque/       CMake package: find_package(caf_monocoque)
#                                    gives the target caf::monocoque
#   P/lib/pkgconfig/caf_monocoque.pc pkg-config file
#   P/bin/                           mqcat and the perf tools (installed by
#                                    examples/mqcat/ and bench/)
#
# lib/ is ${CMAKE_INSTALL_LIBDIR} (lib/<multiarch> when the prefix is /usr).

include(CMakePackageConfigHelpers)

set(MONOCOQUE_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/caf_monocoque)

# -- headers -------------------------------------------------------------------

# Component `headers`: tests/package/public_headers_test.sh installs it alone
# and compiles every header without liburing's and spdlog's.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/libcaf_monocoque/caf
                  ${PROJECT_SOURCE_DIR}/actors/caf
                  ${PROJECT_SOURCE_DIR}/protocol/include/monocoque
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT headers
        FILES_MATCHING PATTERN "*.hpp"
        PATTERN internal EXCLUDE)

# -- libraries and exported targets ---------------------------------------------

install(TARGETS caf_monocoque monocoque_protocol
        EXPORT caf_monocoque-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT caf_monocoque-targets
        NAMESPACE caf::
        FILE caf_monocoque-targets.cmake
        DESTINATION ${MONOCOQUE_CMAKE_INSTALL_DIR})

# -- CMake package ---------------------------------------------------------------

# A static caf_monocoque carries its PRIVATE spdlog dependency into the
# user's link line; a shared one does not need spdlog at all.
get_target_property(MONOCOQUE_LIBRARY_TYPE caf_monocoque TYPE)
if(MONOCOQUE_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  set(MONOCOQUE_NEEDS_SPDLOG ON)
else()
  set(MONOCOQUE_NEEDS_SPDLOG OFF)
endif()

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/caf_monocoque-config.cmake.in
  ${PROJECT_BINARY_DIR}/caf_monocoque-config.cmake
  INSTALL_DESTINATION ${MONOCOQUE_CMAKE_INSTALL_DIR}
  NO_SET_AND_CHECK_MACRO)
# 0.x: a minor release may break the API/ABI, so 0.1.x satisfies requests for
# 0.1 and 0.1.y (y <= x) but not 0.2 (SameMajorVersion would call 0.2 and 0.1
# compatible). Once 1.0 is out, SameMajorVersion fits.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/caf_monocoque-config-version.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/caf_monocoque-config.cmake
              ${PROJECT_BINARY_DIR}/caf_monocoque-config-version.cmake
              ${CMAKE_CURRENT_LIST_DIR}/FindCAF.cmake
        DESTINATION ${MONOCOQUE_CMAKE_INSTALL_DIR})

# -- pkg-config ------------------------------------------------------------------

# prefix is computed from the .pc file's own location, so the file stays
# right for any `--prefix` given at install time.
file(RELATIVE_PATH MONOCOQUE_PC_TO_PREFIX
     /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" MONOCOQUE_PC_TO_PREFIX "${MONOCOQUE_PC_TO_PREFIX}")

# CAF 0.17 (Debian's libcaf-dev) ships no .pc file: name its library directly,
# with -L/-I only when CAF is not in a directory the compiler searches anyway.
get_filename_component(MONOCOQUE_PC_CAF_LIBDIR "${CAF_core_LIBRARY}" DIRECTORY)
set(MONOCOQUE_PC_CAF_LIBS "-lcaf_core")
if(NOT MONOCOQUE_PC_CAF_LIBDIR IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
  set(MONOCOQUE_PC_CAF_LIBS "-L${MONOCOQUE_PC_CAF_LIBDIR} -lcaf_core")
endif()
set(MONOCOQUE_PC_CAF_CFLAGS "")
if(NOT CAF_INCLUDE_DIR IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
  set(MONOCOQUE_PC_CAF_CFLAGS " -I${CAF_INCLUDE_DIR}")
endif()

if(MONOCOQUE_NEEDS_SPDLOG)
  set(MONOCOQUE_PC_REQUIRES "liburing libsodium spdlog")
  set(MONOCOQUE_PC_REQUIRES_PRIVATE "")
else()
  set(MONOCOQUE_PC_REQUIRES "liburing libsodium")
  set(MONOCOQUE_PC_REQUIRES_PRIVATE "spdlog")
endif()

configure_file(${CMAKE_CURRENT_LIST_DIR}/caf_monocoque.pc.in
               ${PROJECT_BINARY_DIR}/caf_monocoque.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/caf_monocoque.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The shared library itself needs no RUNPATH (its dependencies are system
# libraries); the installed executables get $ORIGIN/../lib (top-level
# CMakeLists.txt).
set_property(TARGET caf_monocoque PROPERTY INSTALL_RPATH "")
