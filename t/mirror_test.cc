// Tests for lib/mirror: where a mirror goes by default, and a whole mirror
// run over file:// of a repository written by lib/repodata. The HTTP paths
// (parallel transfers, resume, retries) are tested against a real server
// in t/rocks-dist.bats.
#include "mirror.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "file.h"
#include "repodata.h"
#include "temp_dir.h"

namespace rocks {
namespace {

TEST(DefaultMirrorDirTest, HostAndPath) {
  std::string dir, err;
  ASSERT_TRUE(DefaultMirrorDir("/m", "http://parent.example/install/rocks-dist/",
                               &dir, &err));
  EXPECT_EQ(dir, "/m/parent.example/install/rocks-dist");
  ASSERT_TRUE(DefaultMirrorDir("/m", "https://h:8080//a/./b", &dir, &err));
  EXPECT_EQ(dir, "/m/h:8080/a/b");
}

TEST(DefaultMirrorDirTest, Errors) {
  std::string dir, err;
  EXPECT_FALSE(DefaultMirrorDir("/m", "parent/install", &dir, &err));
  EXPECT_EQ(err, "parent/install: not a URL (expected scheme://host/path)");
  EXPECT_FALSE(DefaultMirrorDir("/m", "http://h/a/../../etc", &dir, &err));
  EXPECT_EQ(err, "http://h/a/../../etc: '..' in the path");
  EXPECT_FALSE(DefaultMirrorDir("/m", "http://", &dir, &err));
  EXPECT_EQ(err, "http://: no host");
}

class MirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("mirror")) << tmp_.error();
    dir_ = tmp_.path();
  }
  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it
  std::string dir_;
};

TEST_F(MirrorTest, CopiesTheMetadataOfARepository) {
  std::string err;
  std::filesystem::create_directories(dir_ + "/repo");
  ASSERT_TRUE(WriteRepodata(dir_ + "/repo/repodata", {}, "<comps/>\n", &err)) << err;
  MirrorOptions options;
  options.url = "file://" + dir_ + "/repo";
  options.dest = dir_ + "/copy";
  MirrorResult result;
  ASSERT_TRUE(MirrorRepository(options, &result, &err)) << err;
  EXPECT_TRUE(result.fetched.empty());
  EXPECT_TRUE(result.failed.empty());
  std::string a, b;
  ASSERT_TRUE(ReadFile(dir_ + "/repo/repodata/repomd.xml", &a, &err));
  ASSERT_TRUE(ReadFile(dir_ + "/copy/repodata/repomd.xml", &b, &err));
  EXPECT_EQ(a, b);
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/copy/repodata")) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 6);
  EXPECT_FALSE(PathExists(dir_ + "/copy/.rocks-mirror"));
}

TEST_F(MirrorTest, NoRepository) {
  MirrorOptions options;
  options.url = "file://" + dir_ + "/none/";
  options.dest = dir_ + "/copy";
  options.retries = 0;
  MirrorResult result;
  std::string err;
  EXPECT_FALSE(MirrorRepository(options, &result, &err));
  EXPECT_EQ(err, "file://" + dir_ + "/none/repodata/repomd.xml: Couldn't open file " +
                     dir_ + "/none/repodata/repomd.xml");
}

}  // namespace
}  // namespace rocks
