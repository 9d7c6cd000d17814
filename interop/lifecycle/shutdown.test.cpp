// The lifecycle matrix, ending `shutdown`: {peer up, refused, unresolvable,
// gone mid-stream} x {linger -1, 0, finite}. See lifecycle_fixture.hpp.
#define CAF_SUITE lifecycle.shutdown
#define LIFECYCLE_ENDING ending::shutdown
#include "lifecycle_matrix.hpp"
