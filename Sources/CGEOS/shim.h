// Only the reentrant (_r) GEOS C API is visible to Swift: every call takes an explicit context,
// so contexts can be owned per object/thread instead of shared global state.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
