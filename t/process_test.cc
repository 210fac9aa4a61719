#include "process.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

namespace rocks {
namespace {

ProcessResult RunOk(const ProcessSpec& spec) {
  ProcessResult r;
  std::string err;
  EXPECT_TRUE(RunProcess(spec, &r, &err)) << err;
  return r;
}

// True once `pid` is dead: no such process, or a zombie nobody reaped yet.
bool Gone(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    size_t paren = line.rfind(')');
    if (paren != std::string::npos && line.compare(paren, 3, ") Z") == 0) return true;
    usleep(10000);
  }
  return false;
}

TEST(ProcessTest, StatusAndMergedOutput) {
  ProcessResult r = RunOk({{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}});
  EXPECT_EQ(3, r.status);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ("out\nerr\n", r.output);
  EXPECT_EQ("", r.error_output);
}

TEST(ProcessTest, SeparateStderr) {
  ProcessSpec spec{{"/bin/sh", "-c", "echo out; echo err >&2"}};
  spec.stderr_mode = StderrMode::kCapture;
  ProcessResult r = RunOk(spec);
  EXPECT_EQ(0, r.status);
  EXPECT_EQ("out\n", r.output);
  EXPECT_EQ("err\n", r.error_output);
}

TEST(ProcessTest, KilledBySignal) {
  EXPECT_EQ(128 + 9, RunOk({{"/bin/sh", "-c", "kill -9 $$"}}).status);
}

TEST(ProcessTest, StdinIsDevNull) {
  ProcessResult r = RunOk({{"cat"}});
  EXPECT_EQ(0, r.status);
  EXPECT_EQ("", r.output);
}

TEST(ProcessTest, CannotStart) {
  ProcessResult r;
  std::string err;
  EXPECT_FALSE(RunProcess({{"rocks-no-such-command"}}, &r, &err));
  EXPECT_EQ("rocks-no-such-command: No such file or directory", err);
  EXPECT_FALSE(RunProcess({{"/nonexistent/program"}}, &r, &err));
  EXPECT_EQ("/nonexistent/program: No such file or directory", err);
  EXPECT_FALSE(RunProcess({}, &r, &err));
  EXPECT_EQ("no command", err);
}

TEST(ProcessTest, ADaemonKeepingStdoutDoesNotBlock) {
  ProcessResult r = RunOk({{"/bin/sh", "-c", "sleep 30 & echo started"}});
  EXPECT_EQ(0, r.status);
  EXPECT_EQ("started\n", r.output);
}

TEST(ProcessTest, TimeoutKillsTheWholeGroup) {
  ProcessSpec spec{{"/bin/sh", "-c", "sleep 10 & echo $!; wait"}};
  spec.timeout_seconds = 0.2;
  ProcessResult r = RunOk(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(128 + 9, r.status);
  // The grandchild went with it: its own process group was killed.
  pid_t grandchild = std::atoi(r.output.c_str());
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(Gone(grandchild));
}

TEST(ProcessTest, OwnProcessGroup) {
  ProcessResult r = RunOk({{"/bin/sh", "-c", "ps -o pgid= -p $$; echo $$"}});
  std::string pgid = r.output.substr(0, r.output.find('\n'));
  std::string pid = r.output.substr(r.output.find('\n') + 1);
  pid.pop_back();
  EXPECT_EQ(pid, pgid.substr(pgid.find_first_not_of(' ')));
}

TEST(ProcessTest, Environment) {
  setenv("ROCKS_PROCESS_TEST", "inherited", 1);
  ProcessSpec spec{{"/bin/sh", "-c", "echo $ROCKS_PROCESS_TEST $EXTRA"}};
  spec.env = {"EXTRA=added"};
  EXPECT_EQ("inherited added\n", RunOk(spec).output);
  spec.env = {"ROCKS_PROCESS_TEST=over"};
  EXPECT_EQ("over\n", RunOk(spec).output);
  spec.clear_env = true;
  spec.env = {"EXTRA=only"};
  spec.argv = {"/bin/sh", "-c", "echo $ROCKS_PROCESS_TEST-$EXTRA"};
  EXPECT_EQ("-only\n", RunOk(spec).output);
  unsetenv("ROCKS_PROCESS_TEST");
}

TEST(ProcessTest, NoDescriptorLeaks) {
  // Even one opened without O_CLOEXEC stays ours.
  int fd = open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 3);
  ProcessResult r = RunOk({{"/bin/sh", "-c", "ls /proc/self/fd"}});
  close(fd);
  // 0, 1, 2 and the directory ls reads.
  EXPECT_EQ("0\n1\n2\n3\n", r.output);
}

TEST(ProcessSetTest, ManyAtOnce) {
  ProcessSet set;
  std::string err;
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < 20; ++i)
    ASSERT_TRUE(set.Start({{"/bin/sh", "-c", "sleep 0.3; echo " + std::to_string(i)}},
                          i, &err))
        << err;
  EXPECT_EQ(20u, set.Running());
  std::vector<std::pair<size_t, ProcessResult>> done;
  while (set.Running() > 0) ASSERT_TRUE(set.Wait(&done, &err)) << err;
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(20u, done.size());
  std::vector<bool> seen(20);
  for (const auto& [tag, r] : done) {
    EXPECT_EQ(std::to_string(tag) + "\n", r.output);
    seen[tag] = true;
  }
  for (bool s : seen) EXPECT_TRUE(s);
  // Together, not one after another (20 x 0.3 s).
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(ProcessSetTest, OneTimesOutTheOthersFinish) {
  ProcessSet set;
  std::string err;
  ProcessSpec slow{{"sleep", "10"}};
  slow.timeout_seconds = 0.2;
  ASSERT_TRUE(set.Start(slow, 1, &err)) << err;
  ASSERT_TRUE(set.Start({{"true"}}, 2, &err)) << err;
  std::vector<std::pair<size_t, ProcessResult>> done;
  while (set.Running() > 0) ASSERT_TRUE(set.Wait(&done, &err)) << err;
  ASSERT_EQ(2u, done.size());
  EXPECT_EQ(2u, done[0].first);
  EXPECT_EQ(0, done[0].second.status);
  EXPECT_EQ(1u, done[1].first);
  EXPECT_TRUE(done[1].second.timed_out);
}

TEST(ProcessSetTest, WaitWithNothingRunning) {
  ProcessSet set;
  std::string err;
  std::vector<std::pair<size_t, ProcessResult>> done;
  EXPECT_TRUE(set.Wait(&done, &err));
  EXPECT_TRUE(done.empty());
}

}  // namespace
}  // namespace rocks
