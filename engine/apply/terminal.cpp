#include "engine/apply/terminal.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace sandlock {

int set_terminal_foreground(int fd, pid_t pgid) {
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  sigprocmask(SIG_BLOCK, &ttou, &old);
  const int err = tcsetpgrp(fd, pgid) == 0 ? 0 : errno;
  sigprocmask(SIG_SETMASK, &old, nullptr);
  return err;
}

ForegroundTerminal::ForegroundTerminal() {
  own_group_ = getpgrp();
  owned_ = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == own_group_;
}

ForegroundTerminal::~ForegroundTerminal() {
  if (owned_) set_terminal_foreground(STDIN_FILENO, own_group_);
}

void ForegroundTerminal::hand_to(pid_t pgid) const {
  if (owned_) set_terminal_foreground(STDIN_FILENO, pgid);
}

}  // namespace sandlock
