#include "tests/support/test_paths.h"

namespace sandlock::testing {

std::string source_dir() { return SANDLOCK_SOURCE_DIR; }
std::string sandlock_binary() { return SANDLOCK_BINARY; }
std::string policies_dir() { return source_dir() + "/policies"; }

}  // namespace sandlock::testing
