// Tests for lib/lockfile: the flock(2) lock rocks-dist holds and
// insert-ethers checks.
#include "lockfile.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <csignal>
#include <string>

#include "config.h"
#include "file.h"
#include "temp_dir.h"

namespace rocks {
namespace {

class LockFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("lock")) << tmp_.error();
    dir_ = tmp_.path();
    path_ = dir_ + "/rocks-dist.lock";
  }

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

  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it

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

// A file that names a live process (anyone could write one) is not a lock:
// only an flock is.
TEST_F(LockFileTest, ALiveProcessNamedInTheFileDoesNotBlock) {
  Write("1\n");
  bool held = true;
  std::string err;
  ASSERT_TRUE(LockHeld(path_, &held, nullptr, &err)) << err;
  EXPECT_FALSE(held);
  LockFile lock;
  ASSERT_TRUE(lock.Acquire(path_, &err)) << err;
  std::string text;
  ASSERT_TRUE(ReadFile(path_, &text, &err));
  EXPECT_EQ(text, std::to_string(getpid()) + "\n");
}

// Another process holds the lock for as long as it lives; once it is
// killed, the lock is free at once.
TEST_F(LockFileTest, AnotherProcessHoldsItUntilKilled) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    LockFile lock;
    std::string e;
    if (!lock.Acquire(path_, &e)) _exit(1);
    (void)!write(ready[1], "x", 1);
    pause();
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  close(ready[1]);
  LockFile lock;
  std::string err;
  EXPECT_FALSE(lock.Acquire(path_, &err));
  EXPECT_EQ(err, path_ + ": locked by process " + std::to_string(child));
  bool held = false;
  pid_t holder = 0;
  ASSERT_TRUE(LockHeld(path_, &held, &holder, &err)) << err;
  EXPECT_TRUE(held);
  EXPECT_EQ(holder, child);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(PathExists(path_));  // left behind by the kill
  EXPECT_TRUE(lock.Acquire(path_, &err)) << err;
}

// A link planted at the lock's name would make root write its PID into
// the target.
TEST_F(LockFileTest, ASymlinkIsRefusedAndItsTargetUntouched) {
  std::string target = dir_ + "/precious";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(target, "keep\n", nullptr, &err)) << err;
  ASSERT_EQ(symlink(target.c_str(), path_.c_str()), 0);
  LockFile lock;
  EXPECT_FALSE(lock.Acquire(path_, &err));
  EXPECT_EQ(err, path_ + ": a symbolic link; a lock must be a regular file");
  bool held = false;
  EXPECT_FALSE(LockHeld(path_, &held, nullptr, &err));
  EXPECT_EQ(err, path_ + ": a symbolic link; a lock must be a regular file");
  std::string text;
  ASSERT_TRUE(ReadFile(target, &text, &err));
  EXPECT_EQ(text, "keep\n");
}

TEST_F(LockFileTest, ADirectoryOthersCanWriteIsRefused) {
  std::string dir = dir_ + "/shared";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(chmod(dir.c_str(), 01777), 0);
  std::string path = dir + "/rocks-dist.lock";
  LockFile lock;
  std::string err;
  EXPECT_FALSE(lock.Acquire(path, &err));
  EXPECT_EQ(err, path + ": other users can write the directory " + dir +
                     "; a lock must be in a directory only root can write");
  EXPECT_FALSE(PathExists(path));
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
