#include <proj.h>
// proj_alter_name (naming a CRS built from a PROJ string before writing it as WKT); stable since PROJ 6.
#include <proj_experimental.h>
