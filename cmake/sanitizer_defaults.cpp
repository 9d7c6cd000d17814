// Linked into every executable of a MONOCOQUE_SANITIZE / MONOCOQUE_FUZZ build:
// default sanitizer options, so running a test or fuzzer by hand behaves like
// CTest and scripts/test.sh. ASAN_OPTIONS / UBSAN_OPTIONS still override them.
// MONOCOQUE_UBSAN_SUPPRESSIONS is the absolute path of cmake/ubsan.supp.

extern "C" const char* __asan_default_options() { return "detect_leaks=1"; }

extern "C" const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1:"
         "suppressions=" MONOCOQUE_UBSAN_SUPPRESSIONS;
}
