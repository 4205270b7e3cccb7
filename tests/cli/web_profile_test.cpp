// The shipped web.yaml: nginx under sandlock serves a page to a client outside the
// sandbox, cannot read /etc/shadow, and cannot connect out (to a live listener).
#include <arpa/inet.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "tests/cli/run_fixture.h"

extern char** environ;

namespace sandlock::testing {
namespace {

constexpr int kWebPort = 8080;

// One HTTP/1.0 GET against 127.0.0.1:8080; returns the status line's code, or 0.
int http_get(const std::string& path, std::string* body = nullptr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(kWebPort);
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
    close(fd);
    return 0;
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (write(fd, req.data(), req.size()) < 0) return 0;
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) resp.append(buf, static_cast<std::size_t>(n));
  close(fd);
  if (resp.size() < 12) return 0;
  if (body) *body = resp.substr(resp.find("\r\n\r\n") + 4);
  return std::stoi(resp.substr(9, 3));
}

TEST(WebProfile, NginxServesButCannotReadShadowOrConnectOut) {
  if (access("/usr/sbin/nginx", X_OK) != 0) GTEST_SKIP() << "SKIP: nginx is not installed (apt-get install nginx-light)";
  if (http_get("/") != 0) GTEST_SKIP() << "SKIP: something already listens on 127.0.0.1:" << kWebPort;
  TempDir dir;
  Listener upstream;  // live and reachable from outside the sandbox
  const std::string root = dir.path() + "/root", state = dir.path() + "/state";
  dir.write("root/index.html", "hello from the sandbox\n");
  dir.write("state/tmp/.keep", "");
  const std::string conf = dir.write("state/nginx.conf",
      "user root;\nworker_processes 1;\nerror_log " + state + "/error.log;\npid " + state + "/nginx.pid;\n"
      "events {}\nhttp {\n  access_log " + state + "/access.log;\n"
      "  client_body_temp_path " + state + "/tmp/body;\n  proxy_temp_path " + state + "/tmp/proxy;\n"
      "  fastcgi_temp_path " + state + "/tmp/fastcgi;\n  uwsgi_temp_path " + state + "/tmp/uwsgi;\n"
      "  scgi_temp_path " + state + "/tmp/scgi;\n"
      "  server {\n    listen 127.0.0.1:" + std::to_string(kWebPort) + ";\n    root " + root + ";\n"
      "    location = /shadow { alias /etc/shadow; }\n"
      "    location = /out { proxy_pass http://127.0.0.1:" + std::to_string(upstream.port()) + "; }\n  }\n}\n");

  const std::string profile = policies_dir() + "/web.yaml";
  std::vector<std::string> args{sandlock_binary(), "run", "--profile", profile};
  std::vector<std::string> env{"WEB_ROOT=" + root, "WEB_STATE=" + state, "WEB_CONF=" + conf};
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data()), 0);

  std::string body;
  int code = 0;
  for (int i = 0; i < 100 && code == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    code = http_get("/index.html", &body);
  }
  EXPECT_EQ(code, 200);
  EXPECT_EQ(body, "hello from the sandbox\n");
  EXPECT_EQ(http_get("/shadow"), 403);  // open(/etc/shadow) → EACCES under Landlock
  EXPECT_EQ(http_get("/out"), 502);     // connect() → EACCES: no outbound connection

  kill(pid, SIGTERM);  // forwarded to nginx's process group
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string log = read_file(state + "/error.log");
  EXPECT_NE(log.find("open() \"/etc/shadow\" failed (13: Permission denied)"), std::string::npos) << log;
  EXPECT_NE(log.find("connect() to 127.0.0.1:" + std::to_string(upstream.port()) + " failed (13: Permission denied)"),
            std::string::npos) << log;
}

}  // namespace
}  // namespace sandlock::testing
