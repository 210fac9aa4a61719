// The configuration files and man pages this build installs (made under
// paths/ in the build directory) against the defaults built into the tools:
// both come from the directories configure chose.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
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

// Every `key = value` line of a shipped rocks.conf, commented out ("# ")
// or not: the first of each key, whether it was commented, its value.
struct Shown {
  bool commented;
  std::string value;
};

std::map<std::string, Shown> ShownKeys(const std::string& text) {
  std::map<std::string, Shown> out;
  for (const std::string& raw : Split(text, '\n')) {
    std::string line = raw;
    bool commented = StartsWith(line, "# ");
    if (commented) line = line.substr(2);
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(line.substr(0, eq));
    if (key.empty() || line.substr(0, eq) != key + " " ||
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
      continue;
    out.emplace(key, Shown{commented, Trim(line.substr(eq + 1))});
  }
  return out;
}

TEST(InstalledFilesTest, RocksConfShowsEveryKeyOfTheTableAndNoOther) {
  std::map<std::string, Shown> shown = ShownKeys(Installed("share/rocks.conf"));
  for (const ConfigKey& k : ConfigKeys()) {
    auto it = shown.find(k.name);
    ASSERT_NE(it, shown.end()) << k.name << " is missing from rocks.conf";
    if (k.shipped) {
      EXPECT_FALSE(it->second.commented) << k.name;
      EXPECT_EQ(it->second.value, k.shipped) << k.name;
    } else {
      EXPECT_TRUE(it->second.commented) << k.name;
      EXPECT_EQ(it->second.value, k.default_value) << k.name;
    }
  }
  for (const auto& [key, s] : shown)
    EXPECT_NE(FindConfigKey(key), nullptr) << key << " of rocks.conf is not a key";
}

TEST(InstalledFilesTest, RocksManPageListsEveryKey) {
  std::set<std::string> listed;
  for (const std::string& line : Split(Installed("man/rocks.8"), '\n')) {
    if (!StartsWith(line, ".It ")) continue;
    std::vector<std::string> words = SplitBlanks(line);
    for (size_t i = 1; i + 1 < words.size(); ++i)
      if (words[i] == "Cm") listed.insert(words[i + 1]);
  }
  for (const ConfigKey& k : ConfigKeys())
    EXPECT_TRUE(listed.count(k.name)) << k.name << " is not listed in rocks(8)";
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
