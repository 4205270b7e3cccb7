// Key paths ("network.allow[2]") and locations for validate's diagnostics.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/parse/document.h"

namespace sandlock {

// Same spelling as the parser's: keys that are not plain words are quoted.
std::string key_path_child(const std::string& parent, std::string_view key);
std::string key_path_index(const std::string& parent, std::size_t index);

inline Location location_of(const Document& doc, Mark mark) { return Location{doc.file, mark.line, mark.column}; }

// "a list", "a string", ... with TOML's word for a mapping.
std::string describe_kind(Node::Kind kind, SourceFormat format);

}  // namespace sandlock
