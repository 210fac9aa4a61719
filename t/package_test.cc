// The configuration files and man pages this build installs (made under
// paths/ in the build directory) against the defaults built into the tools:
// both come from the directories configure chose.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "config.h"
#include "distconf.h"
#include "file.h"
#include "profile.h"
#include "strutil.h"

namespace rocks {
namespace {

std::string Installed(const std::string& rel) {
  const char* build = std::getenv("ROCKS_BUILDDIR");
  std::string path = std::string(build && *build ? build : ".") + "/paths/" + rel;
  std::string text, err;
  EXPECT_TRUE(ReadFile(path, &text, &err)) << err;
  return text;
}

/// The commented-out settings of a shipped file: "# key = value" (rocks.conf)
/// or "#key = value" (rocks-dist.conf), the first of each key.
std::map<std::string, std::string> Commented(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const std::string& raw : Split(text, '\n')) {
    if (raw.empty() || raw[0] != '#') continue;
    std::string line = Trim(raw.substr(1));
    size_t eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    if (key.empty() || key.find(' ') != std::string::npos) continue;
    out.emplace(key, Trim(line.substr(eq + 3)));
  }
  return out;
}

TEST(InstalledFilesTest, RocksConfShowsEveryBuiltInDefault) {
  std::string text = Installed("share/rocks.conf");
  std::map<std::string, std::string> shown = Commented(text);
  for (const auto& [key, value] : ConfigDefaults()) {
    ASSERT_TRUE(shown.count(key)) << key << " is missing from rocks.conf";
    EXPECT_EQ(shown[key], value) << key;
  }
  EXPECT_NE(text.find("# Read from " + SystemConfigPath() + ","), std::string::npos);
}

TEST(InstalledFilesTest, RocksDistConfShowsTheDefaults) {
  std::map<std::string, std::string> shown = Commented(Installed("share/rocks-dist.conf"));
  DistConfig defaults;
  EXPECT_EQ(shown["root"], defaults.root);
  EXPECT_EQ(shown["mirror_root"], defaults.mirror_root);
  EXPECT_EQ(shown["profile"], DefaultProfileDir());
}

TEST(InstalledFilesTest, SyncConfWritesTheMachinesFileBesideRocksConf) {
  std::string text = Installed("share/sync.conf");
  std::string dir = DirName(SystemConfigPath());
  EXPECT_NE(text.find("| " + dir + "/machines "), std::string::npos) << text;
}

TEST(InstalledFilesTest, ManPagesNameTheBuiltInPaths) {
  Config none;
  const struct {
    const char* page;
    std::string path;
  } kMentions[] = {
      {"man/rocks.8", SystemConfigPath()},
      {"man/rocks.8", none.Get("sync_conf")},
      {"man/rocks.8", none.Database()},
      {"man/rocks.7", SystemConfigPath()},
      {"man/rocks.7", DefaultProfileDir()},
      {"man/rocks.7", none.Database().substr(7)},
      {"man/insert-ethers.8", none.Get("insert_ethers_lock")},
      {"man/rocks-dist.8", none.Get("dist_lock")},
      {"man/rocks-dist.8", DefaultDistConfigPath()},
      {"man/rocks-dist.8", DefaultProfileDir()},
      {"man/dbreport.8", none.Get("sync_conf")},
  };
  for (const auto& m : kMentions)
    EXPECT_NE(Installed(m.page).find(m.path), std::string::npos) << m.page << ": " << m.path;
}

}  // namespace
}  // namespace rocks
