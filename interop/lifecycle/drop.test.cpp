// The lifecycle matrix, ending `drop`: {peer up, refused, unresolvable,
// gone mid-stream} x {linger -1, 0, finite}. See lifecycle_fixture.hpp.
#define CAF_SUITE lifecycle.drop
#define LIFECYCLE_ENDING ending::drop
#include "lifecycle_matrix.hpp"
