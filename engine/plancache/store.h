// Where plan cache entries live, and reading and writing them safely.
//
// The directory is $SANDLOCK_CACHE_DIR, else $HOME/.sandlock/plan-cache. A cached plan is
// trusted to confine, so it is used only from a directory and a file owned by the user
// running sandlock that nobody else can write, and never through a symbolic link; entries
// are written to a private temporary file and renamed into place, so a reader sees a whole
// entry or none.
//
// Sandboxes run as the same user, so the place matters too: a sandbox that could write an
// entry could weaken every later run. Not under ~/.cache (XDG), which profiles commonly
// make writable for pip, npm and the like; directly under $HOME, a sandbox can reach it
// only through write access to the home directory itself (or ~/.sandlock), which already
// lets it edit the user's shell start-up files.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sandlock {

// SANDLOCK_PLAN_CACHE: "off" neither reads nor writes entries; "require" makes a miss an
// error in the cached-plan launcher (for tests that must prove the cached path ran).
enum class CacheMode { On, Off, Require };
CacheMode cache_mode(const std::map<std::string, std::string>& environment);

std::optional<std::string> cache_directory(const std::map<std::string, std::string>& environment);

// The entry's file name: a hash of the user, the working directory and the key arguments
// (the entry itself stores them in full, so a collision is only a miss).
std::string entry_file_name(uid_t uid, const std::string& cwd, const std::vector<std::string>& key_args);

// The entry's bytes, or nullopt with `why` (absent, unsafe ownership or mode, unreadable).
std::optional<std::string> load_entry(const std::string& dir, const std::string& name, std::string& why);
// Creates the directory and its missing parents (0700); false with `why` when it cannot.
bool make_cache_directory(const std::string& dir, std::string& why);
// Creates the directory (0700) when missing; false with `why` when the entry is not stored.
bool store_entry(const std::string& dir, const std::string& name, const std::string& bytes, std::string& why);

}  // namespace sandlock
