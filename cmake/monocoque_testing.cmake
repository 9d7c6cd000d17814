# Test helpers, included by the top-level CMakeLists.txt.
#
# CAF 0.17 test binaries run every suite by default and exit 0 when no test
# matches a filter, so each suite gets its own CTest entry that fails when it
# ran zero tests (a misspelt or vanished suite must not pass silently).

set(MONOCOQUE_TEST_MAIN ${PROJECT_SOURCE_DIR}/tests/main.cpp)

# Test code (suites, their main, fuzz replays) is compiled for build time, not
# speed: the library under test keeps the build type's flags, only the code
# that drives it is built -O0 with line tables (-g1: stack traces still name
# file and line). Halves a suite file's compile time (25 -> 13 s at -O2 -g);
# CI builds the tree twice. Empty it to build test code with the build type's
# flags.
set(MONOCOQUE_TEST_CODE_OPTIONS -O0 -g1 CACHE STRING
    "Compile options appended for test executables (suites, fuzz replays)")

# monocoque_test_code(<target>)
# Appends MONOCOQUE_TEST_CODE_OPTIONS to <target>'s own sources.
function(monocoque_test_code target)
  target_compile_options(${target} PRIVATE ${MONOCOQUE_TEST_CODE_OPTIONS})
endfunction()
set(MONOCOQUE_FUZZ_REPLAY_MAIN ${CMAKE_CURRENT_LIST_DIR}/fuzz_replay_main.cpp)

# Umbrella target that builds every fuzz-* executable (used by scripts/fuzz.sh).
if(NOT TARGET fuzzers)
  add_custom_target(fuzzers)
endif()

# monocoque_add_suites(<target> <suite>...)
# Registers one CTest entry per CAF test suite of <target>.
function(monocoque_add_suites target)
  foreach(suite IN LISTS ARGN)
    # -s takes a regex (regex_search): anchor it and escape dots so that
    # "zmtp.greeting" does not also run "zmtp.greetings" or "zmtpxgreeting".
    string(REPLACE "." "\\." suite_regex "${suite}")
    add_test(NAME ${suite}
             COMMAND ${target} -r60 -n -v5 -s "^${suite_regex}$")
    set_tests_properties(${suite} PROPERTIES
      FAIL_REGULAR_EXPRESSION "tests: +0\n"
      TIMEOUT 120)
  endforeach()
endfunction()

# monocoque_suites_from_sources(<out-var> <file>...)
# Collects the names given by `#define CAF_SUITE <name>` in the given files.
# Reconfigures when one of the files changes, so a renamed suite re-registers.
function(monocoque_suites_from_sources out_var)
  set(result)
  foreach(file IN LISTS ARGN)
    get_filename_component(file "${file}" ABSOLUTE)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
    file(STRINGS "${file}" lines
         REGEX "^[ \t]*#[ \t]*define[ \t]+CAF_SUITE[ \t]+[^ \t]+")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE
             "^[ \t]*#[ \t]*define[ \t]+CAF_SUITE[ \t]+([^ \t/]+).*$" "\\1"
             suite "${line}")
      if(suite IN_LIST result)
        message(FATAL_ERROR "CAF_SUITE '${suite}' is defined twice "
                            "(again in ${file})")
      endif()
      list(APPEND result "${suite}")
    endforeach()
  endforeach()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

# monocoque_add_test_executable(<name> SOURCES <file>... [LIBRARIES <lib>...])
# Builds <name> from tests/main.cpp plus the suite files, links CAF::test, and
# registers one CTest entry per `#define CAF_SUITE` found in the sources.
function(monocoque_add_test_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${name} ${MONOCOQUE_TEST_MAIN} ${ARG_SOURCES})
  monocoque_test_code(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} CAF::test CAF::core)
  monocoque_suites_from_sources(suites ${ARG_SOURCES})
  list(SORT suites)
  monocoque_add_suites(${name} ${suites})
  list(LENGTH suites n)
  message(STATUS "${name}: ${n} suite(s): ${suites}")
endfunction()

# monocoque_add_fuzzer(<name> SOURCES <file>... [LIBRARIES <lib>...])
# The sources define `extern "C" int LLVMFuzzerTestOneInput(const uint8_t*,
# size_t)`. Creates the executable fuzz-<name>:
# * with MONOCOQUE_FUZZ=ON it links libFuzzer (run it via scripts/fuzz.sh);
# * otherwise it links a small replay main, and a CTest entry
#   fuzz_replay_<name> feeds it every file of ${CMAKE_CURRENT_SOURCE_DIR}/
#   corpus/<name>/ (seed corpus, past crashers), so the regular and sanitizer
#   builds keep checking them.
function(monocoque_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target fuzz-${name})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBRARIES})
  add_dependencies(fuzzers ${target})
  if(NOT MONOCOQUE_FUZZ)
    monocoque_test_code(${target})
  endif()
  if(MONOCOQUE_FUZZ)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${target} PRIVATE ${MONOCOQUE_FUZZ_REPLAY_MAIN})
    set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name})
    add_test(NAME fuzz_replay_${name} COMMAND ${target} ${corpus})
    set_tests_properties(fuzz_replay_${name} PROPERTIES TIMEOUT 120)
  endif()
endfunction()

# monocoque_add_ring_variants(<target> RINGS <n>... SUITES <suite>...
#                             [ENVIRONMENT <var=value>...])
# Registers a copy of each suite of <target> per ring count n, named
# `rings<n>.<suite>`, label `rings`: the suite's own command with
# MONOCOQUE_TEST_IO_THREADS=<n> (plus ENVIRONMENT) in its environment. The
# test fixtures read it and set `monocoque.io-threads` (interop/test_rings.hpp).
function(monocoque_add_ring_variants target)
  cmake_parse_arguments(ARG "" "" "RINGS;SUITES;ENVIRONMENT" ${ARGN})
  foreach(n IN LISTS ARG_RINGS)
    foreach(suite IN LISTS ARG_SUITES)
      string(REPLACE "." "\\." suite_regex "${suite}")
      set(name rings${n}.${suite})
      add_test(NAME ${name}
               COMMAND ${target} -r60 -n -v5 -s "^${suite_regex}$")
      set(env MONOCOQUE_TEST_IO_THREADS=${n} ${ARG_ENVIRONMENT})
      set_tests_properties(${name} PROPERTIES
        FAIL_REGULAR_EXPRESSION "tests: +0\n"
        TIMEOUT 120
        LABELS rings
        ENVIRONMENT "${env}")
    endforeach()
  endforeach()
endfunction()
