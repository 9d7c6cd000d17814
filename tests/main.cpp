// The single translation unit with CAF's test engine (unit_test_impl.hpp holds
// non-inline definitions). Suite files define CAF_SUITE and include
// <caf/test/dsl.hpp> (or unit_test.hpp) only.
#define CAF_TEST_NO_MAIN
#include <caf/test/unit_test_impl.hpp>

int main(int argc, char** argv) { return caf::test::main(argc, argv); }
