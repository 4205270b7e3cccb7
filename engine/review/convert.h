// `sandlock convert`: one profile spelled in the other format, through the Document tree.
// Comments are not part of the tree, so they are not carried over.
#pragma once

#include <optional>
#include <string>

#include "engine/parse/document.h"

namespace sandlock {

// The document as YAML (block style; strings quoted where a plain scalar would change type).
std::string document_to_yaml(const Document& doc);
// The document as TOML; nullopt (with the reason) when a value has no TOML spelling (null).
std::optional<std::string> document_to_toml(const Document& doc, std::string& error);

// Whether the source text holds comments (which a conversion drops).
bool has_comments(const std::string& text, SourceFormat format);

}  // namespace sandlock
