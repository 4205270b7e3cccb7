// `sandlock query` and `sandlock test` say what `sandlock run` does: each verdict here is
// compared with the same operation performed under run (the real kernel, a live listener),
// and the connect verdicts with the supervisor's own decision (destination_errno) over a
// grid of addresses.
#include <arpa/inet.h>

#include "engine/apply/destinations.h"
#include "engine/compile/compose.h"
#include "engine/review/assertion.h"
#include "tests/cli/run_fixture.h"

namespace sandlock::testing {
namespace {

using Verdicts = RunTest;

// `sandlock query PROFILE OP TARGET`: "allowed", "denied" or "unknown" (exit 0, 1, 3).
std::string query(const std::string& profile, const std::string& op, const std::string& target,
                  const std::vector<std::string>& flags = {}) {
  std::vector<std::string> args{"query", profile, op, target};
  args.insert(args.end(), flags.begin(), flags.end());
  const auto r = run_sandlock(args);
  const std::string word = r.out.substr(0, r.out.find(':'));
  const int expected = word == "allowed" ? 0 : word == "denied" ? 1 : word == "unknown" ? 3 : -1;
  EXPECT_EQ(r.exit_code, expected) << r.out << r.err;
  return word;
}

// Host names in network.allow were never matched: query said denied where run connects.
// Control: another port is denied by both.
TEST_F(Verdicts, AHostNameAllowedIsResolvedAsRunResolvesIt) {
  Listener l, other;
  const std::string port = std::to_string(l.port());
  const auto p = profile("network: {allow: [\"tcp://localhost:" + port + "\"]}\n");
  EXPECT_EQ(query(p, "connect", "127.0.0.1:" + port), "allowed");
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", port}), "ok") << last().err;
  EXPECT_EQ(query(p, "connect", "127.0.0.1:" + std::to_string(other.port())), "denied");
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", std::to_string(other.port())}), "errno 13");
  // A name that does not resolve: run refuses to start, query cannot answer.
  const auto bad = profile("network: {allow: [\"tcp://no-such-host.invalid:" + port + "\"]}\n", "bad.yaml");
  EXPECT_EQ(query(bad, "connect", "127.0.0.1:" + port), "unknown");
  EXPECT_EQ(run(bad, {"/bin/true"}).exit_code, 125);
}

// io_uring re-allowed beside a bind list is refused below ABI 4 (the supervisor keeps the
// list there, and io_uring's bind passes it by): run --abi 3 exits 125, so query --abi 3 must
// not answer "allowed". Control: at ABI 4 both allow the connect.
TEST_F(Verdicts, AProfileRunRefusesAtTheAbiAllowsNothingThere) {
  Listener l;
  const std::string port = std::to_string(l.port());
  const auto p = profile("network: {allow: ['*', 'icmp://*'], bind: [8080]}\nsyscalls: {allow: ['@io-uring']}\n"
                         "protections: {net-tcp: degradable, fs-ioctl-dev: degradable, signal-scope: degradable,"
                         " abstract-unix-socket-scope: degradable}\n");
  EXPECT_EQ(query(p, "connect", "127.0.0.1:" + port, {"--abi", "3"}), "denied");
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", port}, {"--abi", "3"}), "");
  EXPECT_EQ(last().exit_code, 125) << last().err;
  EXPECT_EQ(query(p, "connect", "127.0.0.1:" + port, {"--abi", "4"}), "allowed");
  EXPECT_EQ(probe(p, {"connect", "127.0.0.1", port}, {"--abi", "4"}), "ok") << last().err;
}

// With net-tcp off (disabled, or degradable below ABI 4) run keeps the rules with the
// supervisor; query said "TCP is not restricted". Controls: the allowed port and bind port.
TEST_F(Verdicts, NetworkRulesHoldWithNetTcpOff) {
  Listener allowed, other;
  const std::string a = std::to_string(allowed.port()), o = std::to_string(other.port());
  for (const char* state : {"disabled", "degradable"}) {
    const std::vector<std::string> flags =
        std::string(state) == "degradable" ? std::vector<std::string>{"--abi", "3"} : std::vector<std::string>{};
    const auto p = profile("network: {allow: [\"tcp://127.0.0.1:" + a + "\"], bind: [" + o + "]}\n" +
                               "protections: {net-tcp: " + state +
                               ", fs-ioctl-dev: degradable, signal-scope: degradable, abstract-unix-socket-scope: degradable}\n",
                           std::string(state) + ".yaml");
    EXPECT_EQ(query(p, "connect", "127.0.0.1:" + o, flags), "denied") << state;
    EXPECT_EQ(probe(p, {"connect", "127.0.0.1", o}, flags), "errno 13") << state << last().err;
    EXPECT_EQ(query(p, "connect", "127.0.0.1:" + a, flags), "allowed") << state;
    EXPECT_EQ(probe(p, {"connect", "127.0.0.1", a}, flags), "ok") << state << last().err;
    EXPECT_EQ(query(p, "bind", a, flags), "denied") << state;
    EXPECT_EQ(probe(p, {"bind", a}, flags), "errno 13") << state << last().err;
  }
}

// exec needs execute and read_file; reading a directory needs read_dir, a file read_file.
TEST_F(Verdicts, FilesystemRightsAreTheOnesTheKernelChecks) {
  const auto x = profile("filesystem:\n  rules: [{path: /usr/bin/true, access: [execute]}]\n", "x.yaml");
  const auto xr = profile("filesystem:\n  rules: [{path: /usr/bin/true, access: [execute, read_file]}]\n", "xr.yaml");
  EXPECT_EQ(query(x, "exec", "/usr/bin/true"), "denied");
  EXPECT_EQ(probe(x, {"exec", "/usr/bin/true"}), "errno 13") << last().err;
  EXPECT_EQ(query(xr, "exec", "/usr/bin/true"), "allowed");
  EXPECT_EQ(probe(xr, {"exec", "/usr/bin/true"}), "ok") << last().err;

  TempDir data;
  data.write("f", "x");
  const auto list = profile("filesystem:\n  rules: [{path: " + data.path() + ", access: [read_dir]}]\n", "list.yaml");
  const auto open = profile("filesystem:\n  rules: [{path: " + data.path() + ", access: [read_file]}]\n", "open.yaml");
  EXPECT_EQ(query(list, "read", data.path()), "allowed");
  EXPECT_EQ(probe(list, {"list", data.path()}), "ok") << last().err;
  EXPECT_EQ(query(list, "read", data.file("f")), "denied");
  EXPECT_EQ(probe(list, {"read", data.file("f")}), "errno 13") << last().err;
  EXPECT_EQ(query(open, "read", data.path()), "denied");
  EXPECT_EQ(probe(open, {"list", data.path()}), "errno 13") << last().err;
  EXPECT_EQ(query(open, "read", data.file("f")), "allowed");
  EXPECT_EQ(probe(open, {"read", data.file("f")}), "ok") << last().err;
  EXPECT_EQ(query(list, "read", data.file("later")), "unknown");  // a directory or a file?

  // `sandlock test`: the deny assertions that PASSed while run did it now FAIL.
  const auto tested = dir_.write("t.yaml", "version: 1\nextends: [python3]\nfilesystem:\n  rules: [{path: " + data.path() +
                                               ", access: [read_dir]}, {path: /usr/bin/true, access: [execute]}]\n"
                                               "tests:\n  deny: [\"read " + data.path() + "\", \"exec /usr/bin/true\"]\n");
  const auto t = run_sandlock({"test", tested});
  EXPECT_EQ(t.exit_code, 1) << t.out;
  EXPECT_NE(t.out.find("FAIL deny read " + data.path()), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("PASS deny exec /usr/bin/true"), std::string::npos) << t.out;
}

// An unspecified address goes where run's supervisor sends it: its family's loopback.
TEST_F(Verdicts, AnUnspecifiedAddressAsRunSendsIt) {
  Listener l;
  const std::string port = std::to_string(l.port());
  const auto loop = profile("network: {allow: [\"tcp://127.0.0.1:" + port + "\"]}\n", "loop.yaml");
  const auto any = profile("network: {allow: [\"tcp://0.0.0.0:" + port + "\"]}\n", "any.yaml");
  EXPECT_EQ(query(loop, "connect", "0.0.0.0:" + port), "allowed");
  EXPECT_EQ(probe(loop, {"connect", "0.0.0.0", port}), "ok") << last().err;
  EXPECT_EQ(query(any, "connect", "0.0.0.0:" + port), "denied");
  EXPECT_EQ(probe(any, {"connect", "0.0.0.0", port}), "errno 13") << last().err;
}

// The connect verdict is the supervisor's decision (pin_unspecified_destination, then
// destination_errno) over a grid of profiles and addresses; no kernel needed.
TEST(VerdictCrossCheck, ConnectVerdictsAreTheSupervisorsDecisions) {
  const std::vector<std::string> allows = {
      "allow: [\"127.0.0.1:80\"]", "allow: [\"0.0.0.0:80\"]", "allow: [\"[::1]:80\", \"10.0.0.0/8:80-90\"]",
      "allow: [\"*:80\"]",         "allow: [\"[::/0]:80\", \"0.0.0.0/0:443\"]", "deny: [\"127.0.0.0/8\"]",
      "allow: [\"udp://127.0.0.1:80\"]", "allow: [\"[::ffff:127.0.0.1]:80\"]"};
  const std::vector<std::string> hosts = {"0.0.0.0", "::", "::ffff:0.0.0.0", "127.0.0.1", "::1", "10.1.2.3", "::ffff:10.1.2.3", "192.168.1.1"};
  MemorySourceReader reader;
  TempDir dir;
  struct NoFs : FsView {
    std::optional<std::vector<std::string>> list(const std::string&) override { return std::nullopt; }
    bool is_directory(const std::string&) override { return false; }
    bool exists(const std::string&) override { return false; }
  } fs;
  SystemHostResolver resolver;
  for (const auto& rule : allows) {
    CompileResult c = compile_text("version: 1\nnetwork: {" + rule + "}\n", dir.file("p.yaml"), CompileOptions{}, reader);
    ASSERT_TRUE(c.graph) << rule;
    const PolicyGraph& g = *c.graph;
    const StaticContext ctx = static_context(g, fs, resolver);
    ASSERT_TRUE(ctx.destinations);
    for (const auto& host : hosts)
      for (int port : {80, 85, 443}) {
        std::string error;
        const std::string target = host.find(':') == std::string::npos ? host : "[" + host + "]";
        auto a = parse_assertion("connect " + target + ":" + std::to_string(port), error);
        ASSERT_TRUE(a) << error;
        const Verdict v = evaluate_static(g, statuses_at(g, 7), ctx, *a);
        sockaddr_storage ss{};
        std::size_t len = 0;
        int socket_family = 0;
        if (host.find(':') == std::string::npos) {
          auto& sin = reinterpret_cast<sockaddr_in&>(ss);
          sin.sin_family = socket_family = AF_INET;
          sin.sin_port = htons(static_cast<std::uint16_t>(port));
          inet_pton(AF_INET, host.c_str(), &sin.sin_addr);
          len = sizeof sin;
        } else {
          auto& sin6 = reinterpret_cast<sockaddr_in6&>(ss);
          sin6.sin6_family = socket_family = AF_INET6;
          sin6.sin6_port = htons(static_cast<std::uint16_t>(port));
          inet_pton(AF_INET6, host.c_str(), &sin6.sin6_addr);
          len = sizeof sin6;
        }
        pin_unspecified_destination(ss, len);
        const bool run_allows =
            destination_errno(*ctx.destinations, kProtoTcp, socket_family, AddressUse::Connect, ss, len) == 0;
        EXPECT_EQ(v.allowed, run_allows) << rule << " connect " << target << ":" << port << ": " << v.reason;
      }
  }
}

}  // namespace
}  // namespace sandlock::testing
