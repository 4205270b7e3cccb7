// execvpe(3) split in two for the vfork-style launch: the parent works out the paths to try
// (allocating), the child only calls execve on each (no allocation, no `environ`). Same
// semantics as glibc's execvpe: a name with a '/' is tried as is; otherwise each PATH entry
// in order (the launched environment's PATH, else /bin:/usr/bin; an empty entry is the
// working directory); EACCES is remembered and the search goes on; a file the kernel
// cannot execute (ENOEXEC) is run by /bin/sh.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sandlock {

// The paths to try for `file`, in order. `path` is the launched environment's PATH value
// (nullopt when it has none). Empty when nothing can match (empty name, name too long).
std::vector<std::string> exec_candidates(const std::string& file, const std::optional<std::string>& path);

// Everything the child needs, built by the parent; the child only reads it, except the
// scratch slot script_argv[1].
class ExecSearch {
 public:
  ExecSearch(const std::string& file, const std::optional<std::string>& path, char* const* argv);  // argv: null-terminated
  ExecSearch(const ExecSearch&) = delete;
  ExecSearch& operator=(const ExecSearch&) = delete;

  // Child side: execs the first candidate that runs; returns only on failure, with the
  // errno execvpe would report. Allocation-free.
  int exec(char* const envp[]);

 private:
  std::vector<std::string> candidates_;
  char* const* argv_;
  bool search_;     // the name had no '/': go on past candidates that are not there
  int none_error_;  // the errno when there is no candidate at all
  std::vector<char*> script_argv_;  // "/bin/sh", <candidate>, argv[1..], nullptr
};

}  // namespace sandlock
