// The sandbox runs in its own process group (so it can be killed as a whole); when the
// launcher owns the terminal's foreground, the sandbox must get it too, or a command
// that reads the terminal is stopped by SIGTTIN.
#pragma once

#include <sys/types.h>

namespace sandlock {

// Makes `pgid` the foreground group of the terminal on `fd`, with SIGTTOU blocked so a
// background caller is allowed to. Returns 0 or errno.
int set_terminal_foreground(int fd, pid_t pgid);

// Parent side: records whether the launcher is the foreground of the terminal on stdin;
// if so, hands it to the sandbox and takes it back on destruction.
class ForegroundTerminal {
 public:
  ForegroundTerminal();
  ~ForegroundTerminal();
  ForegroundTerminal(const ForegroundTerminal&) = delete;
  ForegroundTerminal& operator=(const ForegroundTerminal&) = delete;

  bool owned() const { return owned_; }
  void hand_to(pid_t pgid) const;

 private:
  bool owned_ = false;
  pid_t own_group_ = 0;
};

}  // namespace sandlock
