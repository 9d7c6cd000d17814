// The lifecycle matrix, ending `close`: {peer up, refused, unresolvable,
// gone mid-stream} x {linger -1, 0, finite}. See lifecycle_fixture.hpp.
#define CAF_SUITE lifecycle.close
#define LIFECYCLE_ENDING ending::close
#include "lifecycle_matrix.hpp"
