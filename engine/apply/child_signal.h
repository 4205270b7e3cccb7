// SIGCHLD at its default while children are waited for. Ignored (SIG_IGN survives exec, so
// a parent can hand that to sandlock), the kernel reaps children by itself and waitpid
// fails: their exit status is lost.
#pragma once

#include <signal.h>

namespace sandlock {

// Sets SIGCHLD to SIG_DFL for its lifetime; restores what it was.
class DefaultChildSignal {
 public:
  DefaultChildSignal() {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &old_);
  }
  ~DefaultChildSignal() { sigaction(SIGCHLD, &old_, nullptr); }
  DefaultChildSignal(const DefaultChildSignal&) = delete;
  DefaultChildSignal& operator=(const DefaultChildSignal&) = delete;

  bool was_ignored() const { return old_.sa_handler == SIG_IGN; }

 private:
  struct sigaction old_ {};
};

}  // namespace sandlock
