// Tests for lib/follow: reading a growing file like `tail -F` (from its
// end, across rotation and truncation) and a pipe on standard input.
#include "follow.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>
#include "temp_dir.h"

namespace rocks {
namespace {

using Strings = std::vector<std::string>;

class FollowTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("follow")) << tmp_.error();
    dir_ = tmp_.path();
    path_ = dir_ + "/log";
  }

  void Append(const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "a");
    ASSERT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }

  // What one Read returns, as "NUMBER:TEXT".
  Strings ReadSome(LogFollower* f, bool* eof = nullptr) {
    std::vector<LogLine> lines;
    std::string err;
    bool at_end = false;
    EXPECT_TRUE(f->Read(200, &lines, &at_end, &err)) << err;
    if (eof) *eof = at_end;
    Strings out;
    for (const LogLine& l : lines) out.push_back(std::to_string(l.number) + ":" + l.text);
    return out;
  }

  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it

  std::string dir_, path_;
};

TEST_F(FollowTest, StartsAtTheEndAndWaitsForWholeLines) {
  Append(path_, "old 1\nold 2\n");
  LogFollower f;
  std::string err;
  ASSERT_TRUE(f.Open(path_, true, &err)) << err;
  EXPECT_EQ(ReadSome(&f), Strings{});
  Append(path_, "new 1\nnew");
  EXPECT_EQ(ReadSome(&f), Strings{"1:new 1"});
  Append(path_, " 2\n");
  EXPECT_EQ(ReadSome(&f), Strings{"2:new 2"});
}

TEST_F(FollowTest, StartsAtTheBeginningWhenAsked) {
  Append(path_, "old 1\nold 2\n");
  LogFollower f;
  std::string err;
  ASSERT_TRUE(f.Open(path_, false, &err)) << err;
  EXPECT_EQ(ReadSome(&f), (Strings{"1:old 1", "2:old 2"}));
}

TEST_F(FollowTest, FollowsRotation) {
  Append(path_, "before\n");
  LogFollower f;
  std::string err;
  ASSERT_TRUE(f.Open(path_, true, &err)) << err;
  Append(path_, "last of the old file\n");
  std::filesystem::rename(path_, path_ + ".1");
  EXPECT_EQ(ReadSome(&f), Strings{"1:last of the old file"});
  // Missing for a while: nothing, no error.
  EXPECT_EQ(ReadSome(&f), Strings{});
  Append(path_, "first of the new file\n");
  EXPECT_EQ(ReadSome(&f), Strings{"1:first of the new file"});
  Append(path_ + ".1", "late write to the old file\n");
  Append(path_, "second\n");
  EXPECT_EQ(ReadSome(&f), Strings{"2:second"});
}

TEST_F(FollowTest, FollowsTruncation) {
  Append(path_, "a fairly long line before the truncation\n");
  LogFollower f;
  std::string err;
  ASSERT_TRUE(f.Open(path_, false, &err)) << err;
  EXPECT_EQ(ReadSome(&f), Strings{"1:a fairly long line before the truncation"});
  ASSERT_EQ(truncate(path_.c_str(), 0), 0);
  Append(path_, "after\n");
  EXPECT_EQ(ReadSome(&f), Strings{"1:after"});
}

TEST_F(FollowTest, ReadsStandardInputToItsEnd) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  int saved = dup(0);
  dup2(p[0], 0);
  close(p[0]);
  LogFollower f;
  std::string err;
  ASSERT_TRUE(f.Open("-", true, &err)) << err;
  EXPECT_EQ(f.name(), "-");
  ASSERT_EQ(write(p[1], "one\ntw", 6), 6);
  bool eof = true;
  EXPECT_EQ(ReadSome(&f, &eof), Strings{"1:one"});
  EXPECT_FALSE(eof);
  close(p[1]);
  EXPECT_EQ(ReadSome(&f, &eof), Strings{"2:tw"});
  EXPECT_TRUE(eof);
  dup2(saved, 0);
  close(saved);
}

TEST_F(FollowTest, MissingFileAndDirectoryAreErrors) {
  LogFollower f;
  std::string err;
  EXPECT_FALSE(f.Open(path_, true, &err));
  EXPECT_EQ(err, path_ + ": No such file or directory");
  LogFollower g;
  EXPECT_FALSE(g.Open(dir_, true, &err));
  EXPECT_EQ(err, dir_ + ": is a directory");
}

}  // namespace
}  // namespace rocks
