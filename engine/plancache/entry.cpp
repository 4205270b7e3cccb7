#include "engine/plancache/entry.h"


#include <cmath>
#include <cstring>

namespace sandlock {
namespace {

// "sandlock plan cache", format 4 (the last byte). A change to the layout below changes it.
constexpr std::string_view kMagic{"SLPLAN\x00\x04", 8};

class Writer {
 public:
  template <typename T>
  void num(T v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof v);
    out_.append(buf, sizeof buf);
  }
  void str(std::string_view s) {
    num<std::uint64_t>(s.size());
    out_.append(s);
  }
  void opt(const std::optional<std::string>& s) {
    num<std::uint8_t>(s ? 1 : 0);
    if (s) str(*s);
  }
  void strs(const std::vector<std::string>& v) {
    num<std::uint64_t>(v.size());
    for (const auto& s : v) str(s);
  }
  void raw(std::string_view s) { out_.append(s); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Every read is bounds-checked; the first failure sticks and the decode returns nullopt.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return ok_ && pos_ == in_.size(); }

  template <typename T>
  T num() {
    T v{};
    if (!take(sizeof v)) return v;
    std::memcpy(&v, in_.data() + pos_ - sizeof v, sizeof v);
    return v;
  }
  bool flag() {
    const auto b = num<std::uint8_t>();
    if (b > 1) ok_ = false;
    return b == 1;
  }
  std::string str() {
    const auto n = num<std::uint64_t>();
    if (!ok_ || n > in_.size() - pos_) return fail<std::string>();
    pos_ += n;
    return std::string(in_.substr(pos_ - n, n));
  }
  std::optional<std::string> opt() {
    if (!flag()) return std::nullopt;
    return str();
  }
  // A count of items each at least `min_size` bytes long: more than the rest could hold fails.
  std::size_t count(std::size_t min_size) {
    const auto n = num<std::uint64_t>();
    if (!ok_ || n > (in_.size() - pos_) / min_size) return fail<std::size_t>();
    return static_cast<std::size_t>(n);
  }
  std::vector<std::string> strs() {
    std::vector<std::string> v(count(sizeof(std::uint64_t)));
    for (auto& s : v) s = str();
    return v;
  }
  bool expect(std::string_view bytes) {
    if (!take(bytes.size()) || in_.substr(pos_ - bytes.size(), bytes.size()) != bytes) ok_ = false;
    return ok_;
  }

 private:
  bool take(std::size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }
  template <typename T>
  T fail() {
    ok_ = false;
    return T{};
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

bool same_landlock(const LandlockPlan& a, const LandlockPlan& b) {
  if (a.abi != b.abi || a.handled_access_fs != b.handled_access_fs || a.handled_access_net != b.handled_access_net ||
      a.scoped != b.scoped || a.restrict_flags != b.restrict_flags || a.protections != b.protections ||
      a.path_rules.size() != b.path_rules.size() || a.net_rules.size() != b.net_rules.size())
    return false;
  for (std::size_t i = 0; i < a.path_rules.size(); ++i)
    if (a.path_rules[i].path != b.path_rules[i].path || a.path_rules[i].allowed_access != b.path_rules[i].allowed_access ||
        a.path_rules[i].directory != b.path_rules[i].directory)
      return false;
  for (std::size_t i = 0; i < a.net_rules.size(); ++i)
    if (a.net_rules[i].port != b.net_rules[i].port || a.net_rules[i].allowed_access != b.net_rules[i].allowed_access)
      return false;
  return true;
}

bool same_program(const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(sock_filter)) == 0);
}

}  // namespace

bool CachedRun::operator==(const CachedRun& o) const {
  const PreparedLaunch &a = launch, &b = o.launch;
  return engine_path == o.engine_path && engine_identity == o.engine_identity && key_args == o.key_args &&
         cwd == o.cwd && facts == o.facts && a.argv == b.argv && clean_env == o.clean_env &&
         env_overlay == o.env_overlay && a.cwd == b.cwd && a.limits == b.limits &&
         a.timeout_seconds == b.timeout_seconds && a.verbose == b.verbose && same_landlock(a.landlock, b.landlock) &&
         same_program(a.seccomp.program, b.seccomp.program) && a.seccomp.flags == b.seccomp.flags &&
         a.seccomp_rules == b.seccomp_rules && a.drop_capabilities == b.drop_capabilities && notes == o.notes;
}

std::string encode_entry(const CachedRun& e) {
  Writer w;
  w.raw(kMagic);
  w.str(e.engine_path);
  w.opt(e.engine_identity);
  w.strs(e.key_args);
  w.str(e.cwd);
  w.num<std::uint64_t>(e.facts.size());
  for (const auto& f : e.facts) {
    w.num(static_cast<std::uint8_t>(f.kind));
    w.str(f.subject);
    w.opt(f.value);
  }
  w.strs(e.launch.argv);
  w.num<std::uint8_t>(e.clean_env);
  w.num<std::uint64_t>(e.env_overlay.size());
  for (const auto& [k, v] : e.env_overlay) {
    w.str(k);
    w.str(v);
  }
  w.str(e.launch.cwd);
  w.num<std::uint64_t>(e.launch.limits.size());
  for (const auto& [k, v] : e.launch.limits) {
    w.str(k);
    w.num(v);
  }
  w.num<std::uint8_t>(e.launch.timeout_seconds.has_value());
  w.num(e.launch.timeout_seconds.value_or(0.0));
  w.num<std::uint8_t>(e.launch.verbose);
  const LandlockPlan& l = e.launch.landlock;
  w.num<std::int32_t>(l.abi);
  w.num(l.handled_access_fs);
  w.num(l.handled_access_net);
  w.num(l.scoped);
  w.num(l.restrict_flags);
  for (const auto status : l.protections) w.num(static_cast<std::uint8_t>(status));
  w.num<std::uint64_t>(l.path_rules.size());
  for (const auto& r : l.path_rules) {
    w.str(r.path);
    w.num(r.allowed_access);
    w.num<std::uint8_t>(r.directory);
  }
  w.num<std::uint64_t>(l.net_rules.size());
  for (const auto& r : l.net_rules) {
    w.num(r.port);
    w.num(r.allowed_access);
  }
  w.num<std::uint32_t>(e.launch.seccomp.flags);
  w.num<std::uint64_t>(e.launch.seccomp.program.size());
  for (const auto& insn : e.launch.seccomp.program) {
    w.num(insn.code);
    w.num(insn.jt);
    w.num(insn.jf);
    w.num(insn.k);
  }
  w.num(e.launch.seccomp_rules);
  w.num(e.launch.drop_capabilities);
  w.str(e.notes);
  return w.take();
}

std::optional<CachedRun> decode_entry(std::string_view bytes) {
  Reader r(bytes);
  if (!r.expect(kMagic)) return std::nullopt;
  CachedRun e;
  e.engine_path = r.str();
  e.engine_identity = r.opt();
  e.key_args = r.strs();
  e.cwd = r.str();
  e.facts.resize(r.count(1 + 8 + 1));
  for (auto& f : e.facts) {
    const auto kind = r.num<std::uint8_t>();
    if (kind < 1 || kind > kLastFactKind) return std::nullopt;
    f.kind = static_cast<FactKind>(kind);
    f.subject = r.str();
    f.value = r.opt();
  }
  e.launch.argv = r.strs();
  e.clean_env = r.flag();
  e.env_overlay.resize(r.count(16));
  for (auto& [k, v] : e.env_overlay) {
    k = r.str();
    v = r.str();
  }
  e.launch.cwd = r.str();
  const std::size_t limits = r.count(16);
  for (std::size_t i = 0; i < limits && r.ok(); ++i) {
    std::string name = r.str();
    e.launch.limits[name] = r.num<std::uint64_t>();
  }
  if (r.flag()) {
    e.launch.timeout_seconds = r.num<double>();
    if (!std::isfinite(*e.launch.timeout_seconds) || !(*e.launch.timeout_seconds > 0)) return std::nullopt;
  } else {
    r.num<double>();
  }
  e.launch.verbose = r.flag();
  LandlockPlan& l = e.launch.landlock;
  l.abi = r.num<std::int32_t>();
  l.handled_access_fs = r.num<std::uint64_t>();
  l.handled_access_net = r.num<std::uint64_t>();
  l.scoped = r.num<std::uint64_t>();
  l.restrict_flags = r.num<std::uint32_t>();
  for (auto& status : l.protections) {
    const auto s = r.num<std::uint8_t>();
    if (s > static_cast<std::uint8_t>(ProtectionStatus::Unavailable)) return std::nullopt;
    status = static_cast<ProtectionStatus>(s);
  }
  l.path_rules.resize(r.count(8 + 8 + 1));
  for (auto& rule : l.path_rules) {
    rule.path = r.str();
    rule.allowed_access = r.num<std::uint64_t>();
    rule.directory = r.flag();
  }
  l.net_rules.resize(r.count(2 + 8));
  for (auto& rule : l.net_rules) {
    rule.port = r.num<std::uint16_t>();
    rule.allowed_access = r.num<std::uint64_t>();
  }
  e.launch.seccomp.flags = r.num<std::uint32_t>();
  e.launch.seccomp.program.resize(r.count(sizeof(sock_filter)));
  if (e.launch.seccomp.program.size() > BPF_MAXINSNS) return std::nullopt;
  for (auto& insn : e.launch.seccomp.program) {
    insn.code = r.num<decltype(insn.code)>();
    insn.jt = r.num<decltype(insn.jt)>();
    insn.jf = r.num<decltype(insn.jf)>();
    insn.k = r.num<decltype(insn.k)>();
  }
  e.launch.seccomp_rules = r.num<std::uint64_t>();
  e.launch.drop_capabilities = r.num<std::uint64_t>();
  e.notes = r.str();
  if (!r.at_end()) return std::nullopt;
  return e;
}

}  // namespace sandlock
