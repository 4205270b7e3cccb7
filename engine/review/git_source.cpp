#include "engine/review/git_source.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>

namespace sandlock {
namespace {

// Reads both pipes to the end without deadlocking on a full one.
void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  std::array<pollfd, 2> fds{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}};
  std::array<std::string*, 2> sinks{&out, &err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0 && poll(fds.data(), fds.size(), -1) >= 0) {
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
}

}  // namespace

ProcessOutput run_capture(const std::vector<std::string>& argv, const std::string& cwd) {
  ProcessOutput result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  drain(out_pipe[0], err_pipe[0], result.out, result.err);
  if (rc != 0) {
    result.err = "cannot run " + argv[0];
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<std::string> git_show(const std::string& rev, const std::string& path, std::string& error) {
  ProcessOutput r = run_capture({"git", "show", rev + ":" + path});
  if (r.exit_code != 0) {
    error = "git show " + rev + ":" + path + " failed: " + r.err;
    return std::nullopt;
  }
  return r.out;
}

std::optional<std::string> git_toplevel(std::string& error) {
  ProcessOutput r = run_capture({"git", "rev-parse", "--show-toplevel"});
  if (r.exit_code != 0) {
    error = "not in a git repository: " + r.err;
    return std::nullopt;
  }
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

std::optional<std::vector<std::string>> git_changed_files(const std::string& rev, const std::vector<std::string>& paths,
                                                          std::string& error) {
  std::vector<std::string> argv{"git", "diff", "--name-only", "--no-renames", rev, "--"};
  argv.insert(argv.end(), paths.begin(), paths.end());
  ProcessOutput r = run_capture(argv);
  if (r.exit_code != 0) {
    error = "git diff --name-only " + rev + " failed: " + r.err;
    return std::nullopt;
  }
  std::vector<std::string> files;
  std::size_t i = 0;
  while (i < r.out.size()) {
    const std::size_t j = r.out.find('\n', i);
    files.push_back(r.out.substr(i, j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return files;
}

std::optional<std::string> OverlaySourceReader::read(const std::string& path) {
  if (auto it = texts_.find(path); it != texts_.end()) return it->second;
  return fallback_.read(path);
}

std::optional<std::string> GitRevSourceReader::read(const std::string& path) {
  if (path.rfind(toplevel_ + "/", 0) != 0) return fallback_.read(path);
  std::string ignored;
  return git_show(rev_, path.substr(toplevel_.size() + 1), ignored);
}

bool split_rev_path(const std::string& arg, std::string& rev, std::string& path) {
  struct stat st;
  if (stat(arg.c_str(), &st) == 0) return false;
  const auto colon = arg.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == arg.size()) return false;
  rev = arg.substr(0, colon);
  path = arg.substr(colon + 1);
  return true;
}

}  // namespace sandlock
