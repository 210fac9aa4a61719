// Tests for lib/batch_write and lib/slots.
#include "batch_write.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "slots.h"
#include "temp_dir.h"

namespace rocks {
namespace {

class BatchWriteTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("batch-test")) << tmp_.error();
    dir_ = tmp_.path();
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string Names() {
    std::string s;
    std::vector<std::string> v;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    for (const std::string& n : v) s += n + " ";
    return s;
  }
  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it
  std::string dir_;
};

TEST_F(BatchWriteTest, WritesOnCommitOnlyWhatChanged) {
  std::ofstream(dir_ + "/same") << "old";
  std::ofstream(dir_ + "/other") << "old";
  BatchWriter w;
  std::string err;
  bool changed;
  ASSERT_TRUE(w.Add(dir_ + "/same", "old", &changed, &err)) << err;
  EXPECT_FALSE(changed);
  ASSERT_TRUE(w.Add(dir_ + "/other", "new", &changed, &err)) << err;
  EXPECT_TRUE(changed);
  ASSERT_TRUE(w.Add(dir_ + "/fresh", "x", &changed, &err)) << err;
  EXPECT_TRUE(changed);
  EXPECT_EQ(Read("other"), "old");  // nothing visible before the commit
  ASSERT_TRUE(w.Commit(&err)) << err;
  EXPECT_EQ(Read("other"), "new");
  EXPECT_EQ(Read("fresh"), "x");
  EXPECT_EQ(Names(), "fresh other same ");
}

TEST_F(BatchWriteTest, AnAbandonedBatchLeavesNothingBehind) {
  std::ofstream(dir_ + "/a") << "old";
  {
    BatchWriter w;
    std::string err;
    bool changed;
    ASSERT_TRUE(w.Add(dir_ + "/a", "new", &changed, &err)) << err;
  }
  EXPECT_EQ(Read("a"), "old");
  EXPECT_EQ(Names(), "a ");
}

TEST_F(BatchWriteTest, KeepsModeOwnerAndSymlinks) {
  std::ofstream(dir_ + "/target") << "old";
  ASSERT_EQ(chmod((dir_ + "/target").c_str(), 0600), 0);
  ASSERT_EQ(chown((dir_ + "/target").c_str(), 65534, 65534), 0);
  ASSERT_EQ(symlink("target", (dir_ + "/link").c_str()), 0);
  BatchWriter w;
  std::string err;
  bool changed;
  ASSERT_TRUE(w.Add(dir_ + "/link", "new", &changed, &err)) << err;
  ASSERT_TRUE(w.Commit(&err)) << err;
  EXPECT_EQ(Read("target"), "new");
  EXPECT_EQ(Names(), "link target ");
  struct stat st;
  ASSERT_EQ(lstat((dir_ + "/link").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(stat((dir_ + "/target").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, 65534u);
}

TEST_F(BatchWriteTest, AMissingDirectoryNamesTheFile) {
  BatchWriter w;
  std::string err;
  bool changed;
  EXPECT_FALSE(w.Add(dir_ + "/no/x", "new", &changed, &err));
  EXPECT_EQ(err, dir_ + "/no/x: No such file or directory");
}

TEST_F(BatchWriteTest, SlotsCountHolders) {
  std::string err;
  bool got;
  auto a = std::make_unique<SlotLock>();
  SlotLock b, c, d;
  ASSERT_TRUE(a->TryAcquire(dir_ + "/slots", 2, &got, &err)) << err;
  EXPECT_TRUE(got);
  ASSERT_TRUE(b.TryAcquire(dir_ + "/slots", 2, &got, &err)) << err;
  EXPECT_TRUE(got);
  ASSERT_TRUE(c.TryAcquire(dir_ + "/slots", 2, &got, &err)) << err;
  EXPECT_FALSE(got);
  a.reset();  // its slot is free again
  ASSERT_TRUE(d.TryAcquire(dir_ + "/slots", 2, &got, &err)) << err;
  EXPECT_TRUE(got);
  EXPECT_GE(UsableCpus(), 1);
}

}  // namespace
}  // namespace rocks
