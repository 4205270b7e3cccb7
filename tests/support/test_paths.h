// Paths the tests need: the source tree and the built sandlock binary.
#pragma once

#include <string>

namespace sandlock::testing {

std::string source_dir();       // the repository root
std::string sandlock_binary();  // the built `sandlock`
std::string policies_dir();     // source_dir() + "/policies"

}  // namespace sandlock::testing
