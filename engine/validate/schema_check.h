// Shape checks: the document against the embedded JSON Schema (valijson), with each
// error mapped back to its line:column and key path and rewritten for people.
#pragma once

#include "engine/parse/document.h"

namespace sandlock {

// Diagnostics for every schema violation in the document (unsorted).
Diagnostics check_schema(const Document& doc);

}  // namespace sandlock
