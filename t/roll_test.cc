#include "roll.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "file.h"
#include "test_db.h"

namespace rocks {
namespace {

bool Parse(const std::string& text, RollInfo* info, std::string* err) {
  return ParseRollDescription(text, "roll-x.xml", info, err);
}

TEST(RollTest, ParsesTheDescription) {
  RollInfo info;
  std::string err;
  ASSERT_TRUE(Parse("<roll name=\"hpc\" interface=\"6.0\">\n"
                    "  <color edge=\"blue\" node=\"blue\"/>\n"
                    "  <info version=\"9.0\" release=\"2\" arch=\"x86_64\" os=\"linux\"/>\n"
                    "  <description> Parallel jobs. </description>\n"
                    "</roll>\n",
                    &info, &err))
      << err;
  EXPECT_EQ(info.name, "hpc");
  EXPECT_EQ(info.version, "9.0");
  EXPECT_EQ(info.release, "2");
  EXPECT_EQ(info.arch, "x86_64");
  EXPECT_EQ(info.os, "linux");
  EXPECT_EQ(info.description, "Parallel jobs.");
  EXPECT_EQ(info.ImageName(), "hpc-9.0-2.x86_64.disk1.iso");
}

TEST(RollTest, ReleaseArchAndOsDefault) {
  RollInfo info;
  std::string err;
  ASSERT_TRUE(Parse("<roll name=\"bio\"><info version=\"1\"/></roll>", &info, &err))
      << err;
  EXPECT_EQ(info.ImageName(), "bio-1-1.x86_64.disk1.iso");
  EXPECT_EQ(info.os, "linux");
}

TEST(RollTest, DescriptionErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* err;
  } cases[] = {
      {"<rolls/>", "roll-x.xml:1: root element is <rolls>, expected <roll>"},
      {"<roll>\n<info version=\"1\"/></roll>", "roll-x.xml:1: <roll> has no name="},
      {"<roll name=\"Hpc\"><info version=\"1\"/></roll>",
       "roll-x.xml:1: name=\"Hpc\": expected a-z, 0-9, _, + and -"},
      {"<roll name=\"hpc\">\n</roll>", "roll-x.xml:1: <roll> has no <info version=...>"},
      {"<roll name=\"hpc\">\n<info/></roll>", "roll-x.xml:2: <info> has no version="},
      {"<roll name=\"hpc\">\n<info version=\"1 0\"/></roll>",
       "roll-x.xml:2: version=\"1 0\": expected letters, digits, '.', '_' and '+'"},
      {"<roll name=\"hpc\">\n<info version=\"1\" arch=\"x/y\"/></roll>",
       "roll-x.xml:2: arch=\"x/y\": expected letters, digits, '.', '_' and '+'"},
      // The rolls table's columns hold 64 characters.
      {"<roll name=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
       "<info version=\"1\"/></roll>",
       "roll-x.xml:1: name=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\": too long (at most 64 "
       "characters)"},
      {"<roll name=\"hpc\">\n<info version=\"1111111111111111111111111111111111111111111111"
       "1111111111111111111\"/></roll>",
       "roll-x.xml:2: version=\"11111111111111111111111111111111...\": too long (at most 64 "
       "characters)"},
  };
  for (const Case& c : cases) {
    RollInfo info;
    std::string err;
    EXPECT_FALSE(Parse(c.text, &info, &err)) << c.text;
    EXPECT_EQ(err, c.err) << c.text;
  }
}

class RollDirTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::MakeTempDir("roll-test");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) {
    std::filesystem::create_directories(DirName(dir_ + "/" + rel));
    std::string err;
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/" + rel, text, nullptr, &err)) << err;
  }
  std::string dir_;
};

TEST_F(RollDirTest, FindsTheOneDescription) {
  Write("roll-hpc.xml", "<roll name=\"hpc\"><info version=\"1\"/></roll>");
  RollInfo info;
  std::string path, err;
  ASSERT_TRUE(ReadRollDescription(dir_, &info, &path, &err)) << err;
  EXPECT_EQ(path, dir_ + "/roll-hpc.xml");
  Write("roll-bio.xml", "<roll name=\"hpc\"><info version=\"1\"/></roll>");
  EXPECT_FALSE(ReadRollDescription(dir_, &info, &path, &err));
  EXPECT_EQ(err, dir_ + ": more than one roll description (roll-bio.xml, roll-hpc.xml)");
}

TEST_F(RollDirTest, TheFileNameMatchesTheRollName) {
  Write("roll-bio.xml", "<roll name=\"hpc\"><info version=\"1\"/></roll>");
  RollInfo info;
  std::string err;
  EXPECT_FALSE(ReadRollDescription(dir_, &info, nullptr, &err));
  EXPECT_EQ(err, dir_ + "/roll-bio.xml: describes roll 'hpc', expected roll-hpc.xml");
}

TEST_F(RollDirTest, NoDescriptionIsNotARoll) {
  RollInfo info;
  std::string err;
  EXPECT_FALSE(ReadRollDescription(dir_, &info, nullptr, &err));
  EXPECT_EQ(err, dir_ + ": not a roll (no roll-NAME.xml at its top)");
}

TEST_F(RollDirTest, EveryEdgeLeadsToAShippedNode) {
  Write("graphs/default/x.xml",
        "<graph>\n<edge from=\"compute\" to=\"x\"/>\n<edge from=\"x\" to=\"y\"/>\n</graph>\n");
  Write("nodes/x.xml", "<kickstart/>\n");
  std::string err;
  EXPECT_FALSE(CheckRollGraph(dir_, &err));
  EXPECT_EQ(err, dir_ + "/graphs/default/x.xml:3: edge to y: the roll ships no node "
                        "file nodes/y.xml");
  Write("nodes/y.xml", "<kickstart/>\n");
  EXPECT_TRUE(CheckRollGraph(dir_, &err)) << err;
}

TEST_F(RollDirTest, AGraphlessRollHasNothingToCheck) {
  std::string err;
  EXPECT_TRUE(CheckRollGraph(dir_, &err)) << err;
}

}  // namespace
}  // namespace rocks
