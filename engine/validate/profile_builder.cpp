#include "engine/validate/profile_builder.h"

#include <filesystem>

#include "engine/validate/expand.h"
#include "engine/validate/key_path.h"

namespace sandlock {
namespace {

const Node* section(const Node& root, std::string_view key, Node::Kind kind) {
  const Node* n = root.find(key);
  return n && n->kind == kind ? n : nullptr;
}

// Column of byte `offset` inside a string node, counted in characters like the parser does.
int column_inside(const Node& n, std::size_t offset) {
  if (n.text_column == 0) return n.mark.column;
  int chars = 0;
  for (std::size_t i = 0; i < offset && i < n.text.size(); ++i)
    if ((static_cast<unsigned char>(n.text[i]) & 0xC0) != 0x80) ++chars;
  return n.text_column + chars;
}

}  // namespace

Location ProfileBuilder::where(Mark mark) const { return location_of(doc_, mark); }

void ProfileBuilder::error(std::string code, Mark mark, std::string key_path, std::string message,
                           std::string hint) {
  diags_.push_back(error_at(std::move(code), where(mark), std::move(key_path), std::move(message), std::move(hint)));
}

void ProfileBuilder::text_error(const TextError& e, const Node& n, const std::string& key_path) {
  error(e.code, Mark{n.mark.line, column_inside(n, e.offset)}, key_path, e.message, e.hint);
}

void ProfileBuilder::each_string(const Node* list, const std::string& path,
                                 const std::function<void(const Node&, const std::string&)>& fn) const {
  if (!list || list->kind != Node::Kind::Seq) return;
  for (std::size_t i = 0; i < list->items.size(); ++i)
    if (list->items[i].kind == Node::Kind::String) fn(list->items[i], key_path_index(path, i));
}

std::optional<std::string> ProfileBuilder::expanded(const Node& n, const std::string& key_path) {
  TextError e;
  auto value = expand_variables(n.text, env_, e);
  if (!value) text_error(e, n, key_path);
  return value;
}

std::optional<std::string> ProfileBuilder::path(const Node& n, const std::string& key_path) {
  const auto value = expanded(n, key_path);
  if (!value) return std::nullopt;
  TextError e;
  auto normal = normalize_absolute_path(*value, e);
  if (!normal) error(e.code, n.mark, key_path, e.message, e.hint);
  return normal;
}

std::vector<Located<std::string>> ProfileBuilder::strings(const Node* list, const std::string& key_path) const {
  std::vector<Located<std::string>> out;
  each_string(list, key_path, [&](const Node& item, const std::string&) { out.push_back({item.text, where(item.mark)}); });
  return out;
}

Profile ProfileBuilder::build() {
  Profile p;
  if (doc_.root.kind != Node::Kind::Map) return p;
  header(p);
  using K = Node::Kind;
  if (const Node* n = section(doc_.root, "filesystem", K::Map)) filesystem(*n, p);
  if (const Node* n = section(doc_.root, "network", K::Map)) network(*n, p);
  if (const Node* n = section(doc_.root, "protections", K::Map)) protections(*n, p);
  if (const Node* n = section(doc_.root, "syscalls", K::Map)) syscalls(*n, p);
  if (const Node* n = section(doc_.root, "limits", K::Map)) limits(*n, p);
  if (const Node* n = section(doc_.root, "program", K::Map)) program(*n, p);
  if (const Node* n = section(doc_.root, "tests", K::Map)) tests(*n, p);
  return p;
}

void ProfileBuilder::header(Profile& p) {
  p.file = doc_.file;
  const MapEntry* name = doc_.root.find_entry("name");
  if (name && name->value.kind == Node::Kind::String)
    p.name = {name->value.text, where(name->value.mark)};
  else
    p.name = {std::filesystem::path(doc_.file).stem().string(), Location{doc_.file, 0, 0}};
  if (const Node* d = doc_.root.find("description"); d && d->kind == Node::Kind::String) p.description = d->text;
  p.extends = strings(doc_.root.find("extends"), "extends");
}

void ProfileBuilder::program(const Node& prog, Profile& p) {
  Program out;
  out.where = where(prog.mark);
  if (const Node* exec = prog.find("exec"); exec && exec->kind == Node::Kind::String) {
    // A bare command name is looked up in PATH at run time; anything with a '/' is a path.
    auto value = expanded(*exec, "program.exec");
    if (value && value->find('/') != std::string::npos) {
      TextError e;
      value = normalize_absolute_path(*value, e);
      if (!value) error(e.code, exec->mark, "program.exec", e.message, e.hint);
    }
    if (value) out.exec = Located<std::string>{*value, where(exec->mark)};
  }
  // Arguments are strings like any other: variables expand (`$$` for a literal `$`).
  if (const Node* args = prog.find("args"); args && args->kind == Node::Kind::Seq)
    for (std::size_t i = 0; i < args->items.size(); ++i)
      if (args->items[i].kind == Node::Kind::String)
        if (auto value = expanded(args->items[i], "program.args[" + std::to_string(i) + "]")) out.args.push_back(*value);
  if (const Node* env = prog.find("env"); env && env->kind == Node::Kind::Map) {
    for (const auto& e : env->entries) {
      if (e.value.kind != Node::Kind::String) continue;
      if (auto value = expanded(e.value, key_path_child("program.env", e.key))) out.env.emplace_back(e.key, *value);
    }
  }
  if (const Node* clean = prog.find("clean_env"); clean && clean->kind == Node::Kind::Bool)
    out.clean_env = Located<bool>{clean->boolean, where(clean->mark)};
  if (const Node* cwd = prog.find("cwd"); cwd && cwd->kind == Node::Kind::String)
    if (auto value = path(*cwd, "program.cwd")) out.cwd = Located<std::string>{*value, where(cwd->mark)};
  p.program = std::move(out);
}

void ProfileBuilder::tests(const Node& t, Profile& p) {
  p.tests_allow = strings(t.find("allow"), "tests.allow");
  p.tests_deny = strings(t.find("deny"), "tests.deny");
}

}  // namespace sandlock
