// Semantic checks that a schema cannot express, building the typed Profile as it goes.
// Values of the wrong shape are skipped here: the schema check reports those.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "engine/parse/document.h"
#include "engine/validate/profile.h"

namespace sandlock {

struct TextError;

class ProfileBuilder {
 public:
  ProfileBuilder(const Document& doc, const ExpandEnv& env, Diagnostics& diags)
      : doc_(doc), env_(env), diags_(diags) {}

  Profile build();

 private:
  void header(Profile& p);
  void filesystem(const Node& fs, Profile& p);
  void network(const Node& net, Profile& p);
  void protections(const Node& prot, Profile& p);
  void syscalls(const Node& sys, Profile& p);
  void limits(const Node& lim, Profile& p);
  void program(const Node& prog, Profile& p);
  void tests(const Node& t, Profile& p);

  // --- shared helpers ---
  void error(std::string code, Mark mark, std::string key_path, std::string message, std::string hint = {});
  void text_error(const TextError& e, const Node& n, const std::string& key_path);
  Location where(Mark mark) const;
  // Calls fn(item, key path) for each string item of `list` (a Seq); other items belong to the schema check.
  void each_string(const Node* list, const std::string& path,
                   const std::function<void(const Node&, const std::string&)>& fn) const;
  // A string with variables expanded / an absolute normalized path; errors are reported.
  std::optional<std::string> expanded(const Node& n, const std::string& key_path);
  std::optional<std::string> path(const Node& n, const std::string& key_path);
  std::vector<Located<std::string>> strings(const Node* list, const std::string& key_path) const;

  const Document& doc_;
  const ExpandEnv& env_;
  Diagnostics& diags_;
};

}  // namespace sandlock
