// Tests for lib/lockfile: the PID lock rocks-dist holds and insert-ethers
// checks.
#include "lockfile.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "config.h"
#include "file.h"

namespace rocks {
namespace {

class LockFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/rocks-lock.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/rocks-dist.lock";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The PID of a process that has exited and been reaped.
  pid_t DeadPid() {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    waitpid(pid, nullptr, 0);
    return pid;
  }

  void Write(const std::string& text) {
    std::string err;
    ASSERT_TRUE(WriteFileAtomic(path_, text, nullptr, &err)) << err;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(LockFileTest, AcquireWritesThePidAndReleaseRemovesIt) {
  LockFile lock;
  std::string err;
  ASSERT_TRUE(lock.Acquire(path_, &err)) << err;
  EXPECT_TRUE(lock.held());
  std::string text;
  ASSERT_TRUE(ReadFile(path_, &text, &err));
  EXPECT_EQ(text, std::to_string(getpid()) + "\n");
  bool held = false;
  pid_t holder = 0;
  ASSERT_TRUE(LockHeld(path_, &held, &holder, &err));
  EXPECT_TRUE(held);
  EXPECT_EQ(holder, getpid());
  lock.Release();
  EXPECT_FALSE(PathExists(path_));
  ASSERT_TRUE(LockHeld(path_, &held, &holder, &err));
  EXPECT_FALSE(held);
  EXPECT_EQ(holder, 0);
}

TEST_F(LockFileTest, NoTemporaryFileIsLeft) {
  LockFile lock;
  std::string err;
  ASSERT_TRUE(lock.Acquire(path_, &err)) << err;
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1);
}

TEST_F(LockFileTest, ALiveHolderIsNamed) {
  LockFile first, second;
  std::string err;
  ASSERT_TRUE(first.Acquire(path_, &err)) << err;
  EXPECT_FALSE(second.Acquire(path_, &err));
  EXPECT_EQ(err, path_ + ": locked by process " + std::to_string(getpid()));
  EXPECT_FALSE(second.held());
  // The failed attempt did not disturb the holder's lock.
  second.Release();
  EXPECT_TRUE(PathExists(path_));
}

TEST_F(LockFileTest, AStaleLockIsTakenOver) {
  Write(std::to_string(DeadPid()) + "\n");
  bool held = true;
  std::string err;
  ASSERT_TRUE(LockHeld(path_, &held, nullptr, &err));
  EXPECT_FALSE(held);
  LockFile lock;
  ASSERT_TRUE(lock.Acquire(path_, &err)) << err;
  std::string text;
  ASSERT_TRUE(ReadFile(path_, &text, &err));
  EXPECT_EQ(text, std::to_string(getpid()) + "\n");
}

TEST_F(LockFileTest, ALockWithoutAPidIsStale) {
  Write("garbage\n");
  bool held = true;
  std::string err;
  ASSERT_TRUE(LockHeld(path_, &held, nullptr, &err));
  EXPECT_FALSE(held);
  LockFile lock;
  EXPECT_TRUE(lock.Acquire(path_, &err)) << err;
}

TEST_F(LockFileTest, ReleaseLeavesAnotherProcessesLock) {
  LockFile lock;
  std::string err;
  ASSERT_TRUE(lock.Acquire(path_, &err)) << err;
  Write("1\n");  // someone replaced it (init is always alive)
  lock.Release();
  EXPECT_TRUE(PathExists(path_));
}

TEST_F(LockFileTest, AMissingDirectoryIsAnError) {
  LockFile lock;
  std::string err;
  std::string path = dir_ + "/no/lock";
  EXPECT_FALSE(lock.Acquire(path, &err));
  EXPECT_EQ(err, path + ": No such file or directory");
}

TEST(DistLockPathTest, ComesFromTheConfiguration) {
  Config cfg;
  EXPECT_EQ(DistLockPath(cfg), ROCKS_LOCKDIR "/rocks-dist.lock");
  cfg.values["dist_lock"] = "/tmp/x.lock";
  EXPECT_EQ(DistLockPath(cfg), "/tmp/x.lock");
}

}  // namespace
}  // namespace rocks
