// own_children() and kill_leftover_children(), run in a forked subreaper so the test
// process's own children are never touched.
#include "engine/apply/leftover_children.h"

#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace sandlock {
namespace {

// Runs `body` in a forked child that is a subreaper; its return value is the exit code.
template <typename Body>
int in_subreaper(Body body) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) _exit(100);
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// As a sandbox does, loads a seccomp filter (one that allows everything): what marks a
// process as the sandbox's to kill_leftover_children().
void enter_sandbox() {
  sock_filter allow{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW};
  sock_fprog program{1, &allow};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
    _exit(99);
}

bool contains(const std::vector<pid_t>& pids, pid_t pid) { return std::find(pids.begin(), pids.end(), pid) != pids.end(); }

// A child that sleeps under a name /proc/<pid>/stat's parser must read past, in the
// sandbox or not; returned once it is there.
pid_t sleeping_child(const char* name, bool sandboxed = true) {
  int ready[2];
  if (pipe(ready) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    if (sandboxed) enter_sandbox();
    prctl(PR_SET_NAME, name, 0, 0, 0);
    if (write(ready[1], "x", 1) != 1) _exit(1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char c;
  if (read(ready[0], &c, 1) != 1) return -1;
  close(ready[0]);
  return pid;
}

TEST(LeftoverChildren, ListsOwnChildrenWhateverTheirNames) {
  EXPECT_EQ(in_subreaper([] {
              const pid_t odd = sleeping_child("x) S 1 (y");
              const pid_t plain = sleeping_child("plain");
              const pid_t zombie = fork();
              if (zombie == 0) _exit(0);
              siginfo_t info{};
              waitid(P_PID, static_cast<id_t>(zombie), &info, WEXITED | WNOWAIT);  // dead, not reaped
              const auto children = own_children();
              const int code = children.size() == 3 && contains(children, odd) && contains(children, plain) &&
                                       contains(children, zombie)
                                   ? 0
                                   : 1;
              kill_leftover_children({});
              return code;
            }),
            0);
}

// Three children in sessions of their own (as daemons), from a parent that stays (their
// parent is killed first) and from one that exits (they are orphaned to the subreaper):
// all die, and nothing is left to reap.
TEST(LeftoverChildren, KillsChildrenAndWhatTheyLeave) {
  for (const bool parent_stays : {true, false}) {
    EXPECT_EQ(in_subreaper([parent_stays] {
                int ready[2];
                if (pipe(ready) != 0) return 2;
                if (fork() == 0) {
                  enter_sandbox();
                  for (int i = 0; i < 3; ++i)
                    if (fork() == 0) {
                      setsid();
                      if (write(ready[1], "x", 1) != 1) _exit(1);
                      pause();
                      _exit(0);
                    }
                  if (parent_stays) pause();
                  _exit(0);
                }
                close(ready[1]);
                char c;
                for (int i = 0; i < 3; ++i)
                  if (read(ready[0], &c, 1) != 1) return 3;
                if (own_children().empty()) return 4;
                kill_leftover_children({});
                siginfo_t info{};
                return waitid(P_ALL, 0, &info, WEXITED | WNOHANG) != 0 && errno == ECHILD ? 0 : 5;
              }),
              0)
        << (parent_stays ? "parent alive" : "orphaned");
  }
}

// Whether our child `pid` has been reaped (waitid finds it no more).
bool reaped(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG) != 0;
}

// Whether our child `pid` is alive and not reaped.
bool alive(pid_t pid) {
  siginfo_t info{};
  return kill(pid, 0) == 0 && waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG) == 0 && info.si_pid == 0;
}

// A child outside the sandbox (no filter beyond ours: an orphan of a job sandlock had
// before) is left alone, alive; the sandbox's dies.
TEST(LeftoverChildren, LeavesChildrenOutsideTheSandboxAlone) {
  EXPECT_EQ(in_subreaper([] {
              const pid_t outside = sleeping_child("outside", false);
              const pid_t inside = sleeping_child("inside");
              kill_leftover_children({});
              const bool inside_reaped = reaped(inside), outside_alive = alive(outside);
              kill(outside, SIGKILL);
              return inside_reaped && outside_alive ? 0 : 1;
            }),
            0);
}

// A child the caller had before is spared, and not reaped; one made after dies.
TEST(LeftoverChildren, SparesTheChildrenNamed) {
  EXPECT_EQ(in_subreaper([] {
              const pid_t before = sleeping_child("before");
              const pid_t after = sleeping_child("after");
              kill_leftover_children({before});
              const bool after_reaped = reaped(after), before_alive = alive(before);
              kill(before, SIGKILL);
              return after_reaped && before_alive ? 0 : 1;
            }),
            0);
}

}  // namespace
}  // namespace sandlock
