// Tests for lib/repodata (comps merging, repodata writing) and lib/iso
// (writing an image and reading it back with libarchive).
#include "repodata.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "file.h"
#include "iso.h"
#include "temp_dir.h"

namespace rocks {
namespace {

class RepodataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("repodata")) << tmp_.error();
    dir_ = tmp_.path();
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name, err;
    std::filesystem::create_directories(DirName(path));
    EXPECT_TRUE(WriteFileAtomic(path, text, nullptr, &err)) << err;
    return path;
  }

  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it

  std::string dir_;
};

TEST_F(RepodataTest, MergeCompsKeepsTheFirstOfEachId) {
  std::string a = Write("a.xml",
                        "<comps><group><id>base</id><name>A</name></group>"
                        "<category><id>c</id></category></comps>\n");
  std::string b = Write("b.xml",
                        "<comps><group><id>base</id><name>B</name></group>"
                        "<group><id>hpc</id></group></comps>\n");
  std::string out, err;
  ASSERT_TRUE(MergeComps({a, b}, &out, &err)) << err;
  EXPECT_EQ(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<comps>\n"
            "  <group>\n    <id>base</id>\n    <name>A</name>\n  </group>\n"
            "  <category>\n    <id>c</id>\n  </category>\n"
            "  <group>\n    <id>hpc</id>\n  </group>\n"
            "</comps>\n");
}

TEST_F(RepodataTest, MergeCompsOfNothingIsEmpty) {
  std::string out = "x", err;
  ASSERT_TRUE(MergeComps({}, &out, &err));
  EXPECT_EQ(out, "");
}

TEST_F(RepodataTest, MalformedCompsNamesFileAndLine) {
  std::string a = Write("bad.xml", "<comps>\n<group>\n</comps>\n");
  std::string out, err;
  EXPECT_FALSE(MergeComps({a}, &out, &err));
  EXPECT_EQ(err, a + ":3: Opening and ending tag mismatch: group line 2 and comps");
}

TEST_F(RepodataTest, CompsMustBeComps) {
  std::string a = Write("x.xml", "<other/>\n");
  std::string out, err;
  EXPECT_FALSE(MergeComps({a}, &out, &err));
  EXPECT_EQ(err, a + ": not a comps file (root element is not <comps>)");
}

TEST_F(RepodataTest, WritesAnEmptyRepositoryWithGroups) {
  std::string err;
  ASSERT_TRUE(WriteRepodata(dir_ + "/repodata", {}, "<comps/>\n", &err)) << err;
  std::string repomd;
  ASSERT_TRUE(ReadFile(dir_ + "/repodata/repomd.xml", &repomd, &err));
  for (const char* type : {"primary", "filelists", "other", "group", "group_gz"})
    EXPECT_NE(repomd.find(std::string("<data type=\"") + type + "\">"),
              std::string::npos)
        << type;
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/repodata")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 6);
}

TEST_F(RepodataTest, RefusesAnExistingDirectory) {
  std::filesystem::create_directories(dir_ + "/repodata");
  std::string err;
  EXPECT_FALSE(WriteRepodata(dir_ + "/repodata", {}, "", &err));
  EXPECT_EQ(err, dir_ + "/repodata: File exists");
}

TEST_F(RepodataTest, IsoImageRoundTrip) {
  Write("tree/a/one.txt", "one\n");
  Write("tree/two.txt", "two\n");
  Write("tree/.rocks-dist/state", "x\n");
  std::filesystem::create_symlink(dir_ + "/tree/two.txt", dir_ + "/tree/link.txt");
  std::string err;
  ASSERT_TRUE(WriteIsoImage(dir_ + "/tree", dir_ + "/out.iso", "TEST",
                            {".rocks-dist"}, &err))
      << err;
  std::vector<std::string> members;
  auto dest = [&](const std::string& m) { return dir_ + "/x/" + m; };
  ASSERT_TRUE(ExtractImage(dir_ + "/out.iso", dest, &members, &err)) << err;
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members, (std::vector<std::string>{"a", "a/one.txt", "link.txt", "two.txt"}));
  std::string text;
  ASSERT_TRUE(ReadFile(dir_ + "/x/link.txt", &text, &err));
  EXPECT_EQ(text, "two\n");
}

TEST_F(RepodataTest, IsoOfAMissingDirectory) {
  std::string err;
  EXPECT_FALSE(WriteIsoImage(dir_ + "/none", dir_ + "/out.iso", "X", {}, &err));
  EXPECT_EQ(err, dir_ + "/none: No such file or directory");
  EXPECT_FALSE(PathExists(dir_ + "/out.iso"));
}

TEST_F(RepodataTest, ExtractingSomethingThatIsNoImage) {
  std::string path = Write("junk", "junk\n");
  std::string err;
  EXPECT_FALSE(ExtractImage(path, [](const std::string&) { return ""; }, nullptr, &err));
  EXPECT_EQ(err, path + ": Unrecognized archive format");
}

}  // namespace
}  // namespace rocks
