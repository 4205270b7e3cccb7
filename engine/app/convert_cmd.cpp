// `sandlock convert PROFILE --to yaml|toml`: the other spelling of the same document.
#include "engine/app/commands.h"
#include "engine/review/convert.h"

namespace sandlock {

CommandResult cmd_convert(const ConvertCmdOptions& options, SourceReader& reader) {
  CommandResult result;
  result.exit_code = 1;
  auto text = reader.read(options.profile);
  if (!text) {
    result.err = "sandlock: cannot read " + options.profile + "\n";
    return result;
  }
  ParseResult parsed = parse_text(*text, options.profile, format_for_path(options.profile));
  result.err = render(parsed.diagnostics, DiagFormat::Text);
  if (!parsed.document || has_errors(parsed.diagnostics)) return result;
  if (options.to == SourceFormat::Yaml) {
    result.out = document_to_yaml(*parsed.document);
  } else {
    std::string error;
    auto toml = document_to_toml(*parsed.document, error);
    if (!toml) {
      result.err += "sandlock: cannot convert " + options.profile + " to TOML: " + error + "\n";
      return result;
    }
    result.out = *toml;
  }
  if (has_comments(*text, parsed.document->format))
    result.err += "sandlock: note: the comments in " + options.profile + " are not carried over (the conversion goes through the parsed document, which has none)\n";
  result.exit_code = 0;
  return result;
}

}  // namespace sandlock
