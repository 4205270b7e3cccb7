// toml++'s implementation, compiled once (SANDLOCK_STATIC_DEPS) instead of linking
// libtomlplusplus.so; every other file includes the header with TOML_HEADER_ONLY=0.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
