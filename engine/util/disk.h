// The few questions sandlock asks the filesystem before a run, answered in one place: the
// engine's readers (DiskSourceReader, DiskFsView) and the plan cache's re-checks of what a
// cached plan was built from (engine/plancache/facts.h) must get the same answers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sandlock::disk {

// The whole file, or nullopt when it cannot be opened or read (a directory included).
std::optional<std::string> read_file(const std::string& path);
// The same for a regular file only: anything else (a pipe, a FIFO, a device) is not read at
// all — it is opened without blocking and `irregular` is set.
std::optional<std::string> read_regular_file(const std::string& path, bool& irregular);
// Entry names of a directory, sorted, without "." and ".."; nullopt when it cannot be listed.
std::optional<std::vector<std::string>> list_directory(const std::string& path);
bool is_directory(const std::string& path);     // stat: follows symbolic links
bool is_regular_file(const std::string& path);  // stat: follows symbolic links
bool exists(const std::string& path);           // stat: follows symbolic links
bool is_symlink(const std::string& path);       // lstat
// How many names (hard links) the file `path` leads to has; 0 when it cannot be stat'ed.
unsigned link_count(const std::string& path);
// `path` (absolute) with its symbolic links, "." and ".." resolved as the kernel would
// resolve them, as far as it exists; what does not exist is appended as written.
std::string canonical_path(const std::string& path);
// The other paths at which the file at `canonical` (a canonical path) can be reached
// through bind mounts (/proc/self/mountinfo: every mount of its filesystem whose root holds
// it), sorted; nullopt when the mount table cannot be read.
std::optional<std::vector<std::string>> mount_aliases(const std::string& canonical);
// Everything left to read from `fd`, or nullopt on a read error.
std::optional<std::string> read_fd(int fd);
// Writes all of `text` to `fd` (retrying short writes and EINTR); false on an error.
bool write_all(int fd, std::string_view text);
// The working directory, or "" when it cannot be read (removed, or longer than PATH_MAX):
// never a stand-in, which ${PWD} in a profile would make a grant of.
std::string current_directory();

// Whether `path` is the file this process runs (the same device and inode as /proc/self/exe):
// false once it was replaced, even by a file of the same size and times.
bool is_running_binary(const std::string& path);

}  // namespace sandlock::disk
