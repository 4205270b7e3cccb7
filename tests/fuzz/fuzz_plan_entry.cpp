// libFuzzer target: the plan cache's entry decoder, which reads files from disk that a
// damaged disk or a bug could fill with anything. Whatever decodes must encode and decode
// back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/plancache/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto entry = sandlock::decode_entry(std::string_view(reinterpret_cast<const char*>(data), size));
  if (entry) {
    const auto again = sandlock::decode_entry(sandlock::encode_entry(*entry));
    if (!again || !(*again == *entry)) std::abort();
  }
  return 0;
}
