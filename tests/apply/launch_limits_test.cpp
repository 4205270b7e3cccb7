// Each limit binds, with a looser control that shows the same program succeeding.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "tests/apply/sandbox_helpers.h"

namespace sandlock {
namespace {

using namespace sandlock::testing;

LaunchResult run_limited(const std::string& code, const char* limit, std::uint64_t value) {
  auto req = python(code);
  req.limits[limit] = value;
  return run(req);
}

constexpr std::uint64_t kMiB = 1024 * 1024;

TEST(LaunchLimits, MemoryBindsAsAddressSpace) {
  const auto alloc = [](int mib) {
    return "try:\n    b = bytearray(" + std::to_string(mib) + " * 1024 * 1024)\n    print('ok')\n"
           "except MemoryError:\n    print('MemoryError')\n";
  };
  EXPECT_EQ(run_limited(alloc(200), "memory", 100 * kMiB).out, "MemoryError\n");
  EXPECT_EQ(run_limited(alloc(10), "memory", 100 * kMiB).out, "ok\n");
}

TEST(LaunchLimits, OpenFilesBindsWithEmfile) {
  const auto open_n = [](int n) {
    return "fs = []\ntry:\n    for i in range(" + std::to_string(n) +
           "):\n        fs.append(open('/dev/null'))\n    print('ok')\nexcept OSError as e:\n    print(e.errno)\n";
  };
  EXPECT_EQ(run_limited(open_n(40), "open_files", 16).out, "24\n");
  EXPECT_EQ(run_limited(open_n(40), "open_files", 64).out, "ok\n");
}

TEST(LaunchLimits, FileSizeBindsWithEfbig) {
  TempDir dir;
  const auto write_kib = [&](int kib) {
    return "import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\ntry:\n    with open('" + dir.file("big") +
           "', 'wb') as f:\n        f.write(b'x' * " + std::to_string(kib) +
           " * 1024)\n    print('ok')\nexcept OSError as e:\n    print(e.errno)\n";
  };
  EXPECT_EQ(run_limited(write_kib(2048), "file_size", kMiB).out, "27\n");
  EXPECT_EQ(run_limited(write_kib(512), "file_size", kMiB).out, "ok\n");
}

TEST(LaunchLimits, CpuTimeKillsABusyLoop) {
  const auto busy = run_limited("while True: pass", "cpu_time", 1);
  EXPECT_TRUE(busy.code == 128 + SIGXCPU || busy.code == 128 + SIGKILL) << busy.code;
  // Control: the same limit lets a short busy loop finish.
  const auto short_loop = run_limited("import time\nt = time.process_time()\nwhile time.process_time() - t < 0.2: pass\n"
                                      "print('done')",
                                      "cpu_time", 1);
  EXPECT_EQ(short_loop.code, 0) << short_loop.error;
  EXPECT_EQ(short_loop.out, "done\n");
}

TEST(LaunchLimits, ProcessesBindEvenForRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "this test shows the pids limit binding root; run it as root";
  const std::string fork_ten =
      "import os, time\nn, err = 0, 0\nfor i in range(10):\n    try:\n        pid = os.fork()\n"
      "    except OSError as e:\n        err = e.errno\n        break\n    if pid == 0:\n        time.sleep(5)\n"
      "        os._exit(0)\n    n += 1\nprint(n, err)\n";
  const auto limited = run_limited(fork_ten, "processes", 5);
  EXPECT_EQ(limited.code, 0) << limited.error;
  EXPECT_EQ(limited.out, "4 11\n");  // the command itself is one of the 5
  const auto loose = run_limited(fork_ten, "processes", 50);
  EXPECT_EQ(loose.code, 0) << loose.error;
  EXPECT_EQ(loose.out, "10 0\n");
}

}  // namespace
}  // namespace sandlock
