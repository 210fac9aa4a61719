// Tests for lib/distconf: rocks-dist.conf.
#include "distconf.h"

#include <gtest/gtest.h>

#include <string>

namespace rocks {
namespace {

TEST(DistConfigTest, ParsesEveryKey) {
  DistConfig cfg;
  std::string err;
  ASSERT_TRUE(ParseDistConfig(
      "# comment\n"
      "root = /d\n"
      "os = /os1\n"
      "os = /os2\n"
      "updates = /u\n"
      "roll = /r.iso\n"
      "contrib = /c\n"
      "local = /l\n"
      "\n"
      "profile = /p\n"
      "site_profile = /s\n"
      "copy = yes\n"
      "jobs = 3\n"
      "mirror_root = /m\n"
      "mirror_jobs = 8\n"
      "retries = 0\n"
      "label = CLUSTER\n",
      "f", &cfg, &err))
      << err;
  EXPECT_EQ(cfg.root, "/d");
  ASSERT_EQ(cfg.sources.size(), 6u);
  EXPECT_EQ(cfg.sources[0].kind, SourceKind::kOs);
  EXPECT_EQ(cfg.sources[1].path, "/os2");
  EXPECT_EQ(cfg.sources[2].kind, SourceKind::kUpdates);
  EXPECT_EQ(cfg.sources[3].kind, SourceKind::kRoll);
  EXPECT_EQ(cfg.sources[4].kind, SourceKind::kContrib);
  EXPECT_EQ(cfg.sources[5].kind, SourceKind::kLocal);
  EXPECT_EQ(cfg.profiles, std::vector<std::string>{"/p"});
  EXPECT_EQ(cfg.site_profiles, std::vector<std::string>{"/s"});
  EXPECT_TRUE(cfg.copy);
  EXPECT_EQ(cfg.jobs, 3);
  EXPECT_EQ(cfg.mirror_root, "/m");
  EXPECT_EQ(cfg.mirror_jobs, 8);
  EXPECT_EQ(cfg.retries, 0);
  EXPECT_EQ(cfg.label, "CLUSTER");
}

TEST(DistConfigTest, Defaults) {
  DistConfig cfg;
  EXPECT_EQ(cfg.root, "/export/rocks/install/rocks-dist");
  EXPECT_FALSE(cfg.copy);
  EXPECT_EQ(cfg.mirror_jobs, 4);
  EXPECT_EQ(cfg.retries, 2);
  EXPECT_EQ(cfg.label, "ROCKS");
}

struct BadCase {
  const char* text;
  const char* error;
};

TEST(DistConfigTest, ErrorsNameTheLine) {
  const BadCase cases[] = {
      {"root = /d\nupdaets = /u\n", "f:2: unknown key 'updaets' (did you mean 'updates'?)"},
      {"zzzzzzzz = 1\n", "f:1: unknown key 'zzzzzzzz'"},
      {"\n\nroot\n", "f:3: expected 'key = value'"},
      {"os =\n", "f:1: os: empty value"},
      {"copy = maybe\n", "f:1: copy = maybe: expected yes or no"},
      {"jobs = -1\n", "f:1: jobs=-1: invalid number (expected 0 to 1024)"},
      {"retries = x\n", "f:1: retries=x: invalid number (expected 0 to 1024)"},
  };
  for (const BadCase& c : cases) {
    DistConfig cfg;
    std::string err;
    EXPECT_FALSE(ParseDistConfig(c.text, "f", &cfg, &err)) << c.text;
    EXPECT_EQ(err, c.error);
  }
}

TEST(DistConfigTest, MissingFile) {
  DistConfig cfg;
  std::string err;
  EXPECT_FALSE(LoadDistConfig("/nonexistent/rocks-dist.conf", &cfg, &err));
  EXPECT_EQ(err, "/nonexistent/rocks-dist.conf: No such file or directory");
}

TEST(DistConfigTest, SourceKindNames) {
  EXPECT_STREQ(SourceKindName(SourceKind::kOs), "os");
  EXPECT_STREQ(SourceKindName(SourceKind::kForce), "force");
}

}  // namespace
}  // namespace rocks
