// The supervisor's pidfd cache against real threads: a cached pidfd is reused while its
// thread lives, and once the thread is gone pidfd_getfd on it fails with ESRCH (the signal
// to reopen), so a cached pidfd never reaches another task's descriptors; and a handle
// stands in for a live-notification check only for calls received after its opening.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include "engine/apply/pidfd.h"
#include "engine/apply/task_handles.h"

namespace sandlock {
namespace {

pid_t my_tid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

TEST(TaskHandles, ALiveThreadsPidfdIsOpenedOnceAndReachesItsDescriptors) {
  TaskHandles tasks;
  const TaskHandle first = tasks.open(my_tid()).handle;
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(tasks.open(my_tid()).handle, first);  // the same pidfd, from the cache
  const UniqueFd copy(sys::pidfd_getfd(first->get(), STDERR_FILENO, 0));
  EXPECT_TRUE(copy) << std::strerror(errno);
}

TEST(TaskHandles, AGoneThreadsPidfdFailsWithEsrchAndIsReplaced) {
  const UniqueFd probe(sys::pidfd_open(getpid(), 0x80 /*PIDFD_THREAD*/));
  if (!probe) GTEST_SKIP() << "SKIP: no PIDFD_THREAD on this kernel (before 6.9), so a thread's pidfd is not cached";
  TaskHandles tasks;
  std::promise<pid_t> tid;
  std::promise<void> release;
  std::thread t([&] {
    tid.set_value(my_tid());
    release.get_future().wait();
  });
  const pid_t thread_tid = tid.get_future().get();
  const TaskHandle cached = tasks.open(thread_tid).handle;
  ASSERT_TRUE(cached && *cached);
  EXPECT_EQ(tasks.open(thread_tid).handle, cached);
  release.set_value();
  t.join();
  // join returns once the thread cleared its tid, a little before the kernel lets go of it
  // (meanwhile pidfd_getfd may still answer, or fail with EBADF): wait for that, briefly.
  int copy = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  do {
    errno = 0;
    copy = sys::pidfd_getfd(cached->get(), STDERR_FILENO, 0);
    if (copy >= 0) close(copy);
  } while (errno != ESRCH && std::chrono::steady_clock::now() < deadline);
  EXPECT_LT(copy, 0);
  EXPECT_EQ(errno, ESRCH);
  // The tid names no task now: reopening finds none, and the stale pidfd is not kept.
  EXPECT_EQ(tasks.reopen(thread_tid, cached).handle, nullptr);
  EXPECT_NE(tasks.open(my_tid()).handle, cached);
}

// A handle vouches for a call only when it was opened before the call was received: a mark
// taken before an opening is below its serial, one taken after it is not, and a replaced
// handle is a new opening.
TEST(TaskHandles, AHandleVouchesOnlyForCallsReceivedAfterItsOpening) {
  TaskHandles tasks;
  const std::uint64_t before = tasks.mark();
  const OpenedTask first = tasks.open(my_tid());
  ASSERT_TRUE(first.handle);
  EXPECT_FALSE(first.opened_before(before));  // the call may predate the tid's current owner
  const std::uint64_t after = tasks.mark();
  const OpenedTask cached = tasks.open(my_tid());
  EXPECT_EQ(cached.handle, first.handle);
  EXPECT_TRUE(cached.opened_before(after));
  EXPECT_FALSE(cached.opened_before(before));
  const OpenedTask fresh = tasks.reopen(my_tid(), first.handle);  // as after ESRCH
  ASSERT_TRUE(fresh.handle);
  EXPECT_NE(fresh.handle, first.handle);
  EXPECT_FALSE(fresh.opened_before(after));
  EXPECT_TRUE(fresh.opened_before(tasks.mark()));
}

TEST(TaskHandles, ReopenKeepsAHandleAnotherThreadAlreadyReplaced) {
  TaskHandles tasks;
  const TaskHandle current = tasks.open(my_tid()).handle;
  const auto stale = std::make_shared<const UniqueFd>();  // not the cached one
  EXPECT_EQ(tasks.reopen(my_tid(), stale).handle, current);
}

}  // namespace
}  // namespace sandlock
