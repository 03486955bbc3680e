// LookAtProcessTree (clientcheck/internal/process_activity.h): a client that waits reads as not
// busy and alike at two looks; one that computes, or a tree that grows, does not.
#include "clientcheck/internal/process_activity.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace shardsim::clientcheck::internal {
namespace {

// A child running `sh -c script` in a process group of its own, killed at the end of the test.
class Child {
 public:
  explicit Child(const char* script) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);  // a group of its own, killed whole: no orphan holds ctest's pipe
      ::execl("/bin/sh", "sh", "-c", script, static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Child() {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
};

void Settle() { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }

TEST(ProcessActivity, AProcessBlockedInSleepWaitsAndLooksTheSameTwice) {
  Child child("exec sleep 30");
  Settle();
  const server::ClientActivity first = LookAtProcessTree(child.pid());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const server::ClientActivity second = LookAtProcessTree(child.pid());
  EXPECT_FALSE(first.busy);
  EXPECT_EQ(first.tasks.size(), 1u);
  EXPECT_EQ(first, second);
}

TEST(ProcessActivity, AProcessThatComputesIsBusyOrHasRunBetweenTwoLooks) {
  Child child("while :; do :; done");
  Settle();
  const server::ClientActivity first = LookAtProcessTree(child.pid());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const server::ClientActivity second = LookAtProcessTree(child.pid());
  EXPECT_TRUE(first.busy || second.busy || first != second);
  EXPECT_GT(second.cpu_ns, first.cpu_ns);
}

TEST(ProcessActivity, SeesTheChildrenOfTheRootProcess) {
  Child child("sleep 30 & sleep 30 & wait");
  Settle();
  const server::ClientActivity look = LookAtProcessTree(child.pid());
  EXPECT_FALSE(look.busy);
  EXPECT_EQ(look.tasks.size(), 3u);  // the shell and its two sleeps
}

TEST(ProcessActivity, NoProcessOrOneThatIsGoneReadsAsBusy) {
  EXPECT_TRUE(LookAtProcessTree(0).busy);
  pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  int status = 0;
  ::waitpid(gone, &status, 0);
  EXPECT_TRUE(LookAtProcessTree(gone).busy);
}

}  // namespace
}  // namespace shardsim::clientcheck::internal
