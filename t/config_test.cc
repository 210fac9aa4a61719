// Tests for lib/config: rocks.conf parsing and the resolution order.
#include "config.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "file.h"
#include "temp_dir.h"

namespace rocks {
namespace {

using Map = std::map<std::string, std::string>;

// ParseConfig -------------------------------------------------------------

TEST(ParseConfigTest, KeyValueLines) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(ParseConfig("database = sqlite:/x.db\nweb_root=/var/www\n", "rocks.conf",
                          &cfg, &err))
      << err;
  EXPECT_EQ(cfg.values, (Map{{"database", "sqlite:/x.db"}, {"web_root", "/var/www"}}));
  EXPECT_EQ(cfg.sources, (Map{{"database", "rocks.conf:1"}, {"web_root", "rocks.conf:2"}}));
  EXPECT_EQ(err, "");
}

TEST(ParseConfigTest, SkipsCommentsAndBlankLines) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(ParseConfig("# a comment = not a value\n"
                          "\n"
                          "   \t\n"
                          "   # indented comment\n"
                          "key = value\n"
                          "#other = x\n",
                          "f", &cfg, &err))
      << err;
  EXPECT_EQ(cfg.values, (Map{{"key", "value"}}));
  EXPECT_EQ(cfg.sources, (Map{{"key", "f:5"}}));
}

TEST(ParseConfigTest, TrimsKeysAndValues) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(ParseConfig("\t key one \t=\t two words \r\nempty =\n", "f", &cfg, &err)) << err;
  EXPECT_EQ(cfg.values, (Map{{"empty", ""}, {"key one", "two words"}}));
}

TEST(ParseConfigTest, ValueMayHoldEqualsAndHash) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(ParseConfig("database = mysql:///c?socket=/s&user=u\nnote = a # b\n", "f",
                          &cfg, &err))
      << err;
  EXPECT_EQ(cfg.Get("database"), "mysql:///c?socket=/s&user=u");
  EXPECT_EQ(cfg.Get("note"), "a # b");
}

TEST(ParseConfigTest, LaterLinesOverride) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(ParseConfig("a = 1\nb = 2\na = 3\n", "f", &cfg, &err)) << err;
  EXPECT_EQ(cfg.values, (Map{{"a", "3"}, {"b", "2"}}));
  EXPECT_EQ(cfg.sources, (Map{{"a", "f:3"}, {"b", "f:2"}}));
}

TEST(ParseConfigTest, LaterTextOverridesEarlierText) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(ParseConfig("a = 1\nb = 2\n", "first", &cfg, &err)) << err;
  ASSERT_TRUE(ParseConfig("\nb = 20\nc = 30", "second", &cfg, &err)) << err;
  EXPECT_EQ(cfg.values, (Map{{"a", "1"}, {"b", "20"}, {"c", "30"}}));
  EXPECT_EQ(cfg.sources, (Map{{"a", "first:1"}, {"b", "second:2"}, {"c", "second:3"}}));
}

TEST(ParseConfigTest, EmptyText) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(ParseConfig("", "f", &cfg, &err)) << err;
  EXPECT_TRUE(cfg.values.empty());
}

TEST(ParseConfigTest, LineWithoutEquals) {
  Config cfg;
  std::string err;
  EXPECT_FALSE(ParseConfig("a = 1\n\n# c\ndatabase sqlite:/x\n", "/etc/rocks/rocks.conf",
                           &cfg, &err));
  EXPECT_EQ(err, "/etc/rocks/rocks.conf:4: expected 'key = value'");
}

TEST(ParseConfigTest, LineWithoutKey) {
  Config cfg;
  std::string err;
  EXPECT_FALSE(ParseConfig("a = 1\n  = 2\n", "f", &cfg, &err));
  EXPECT_EQ(err, "f:2: missing key before '='");
}

TEST(ConfigTest, GetFallsBack) {
  Config cfg;
  cfg.values["a"] = "1";
  EXPECT_EQ(cfg.Get("a"), "1");
  EXPECT_EQ(cfg.Get("b"), "");
  EXPECT_EQ(cfg.Get("b", "dflt"), "dflt");
}

TEST(ConfigTest, DatabaseDefault) {
  Config cfg;
  EXPECT_EQ(cfg.Database(), "sqlite:" ROCKS_LOCALSTATEDIR "/lib/rocks/cluster.db");
  cfg.values["database"] = "sqlite:/tmp/x.db";
  EXPECT_EQ(cfg.Database(), "sqlite:/tmp/x.db");
}

TEST(ConfigTest, SystemConfigPath) {
  EXPECT_EQ(SystemConfigPath(), ROCKS_SYSCONFDIR "/rocks/rocks.conf");
}

// GetSeconds --------------------------------------------------------------

Config Parsed(const std::string& text) {
  Config cfg;
  std::string err;
  EXPECT_TRUE(ParseConfig(text, "rocks.conf", &cfg, &err)) << err;
  return cfg;
}

TEST(GetSecondsTest, UnsetGivesFallback) {
  double v = -1;
  std::string err;
  ASSERT_TRUE(Parsed("").GetSeconds("db_timeout", 5.0, &v, &err)) << err;
  EXPECT_EQ(v, 5.0);
}

TEST(GetSecondsTest, Numbers) {
  double v = -1;
  std::string err;
  ASSERT_TRUE(Parsed("t = 2.5").GetSeconds("t", 5.0, &v, &err)) << err;
  EXPECT_EQ(v, 2.5);
  ASSERT_TRUE(Parsed("t = 0").GetSeconds("t", 5.0, &v, &err)) << err;
  EXPECT_EQ(v, 0.0);
  ASSERT_TRUE(Parsed("t = 30").GetSeconds("t", 5.0, &v, &err)) << err;
  EXPECT_EQ(v, 30.0);
}

TEST(GetSecondsTest, NotANumber) {
  double v = -1;
  std::string err;
  EXPECT_FALSE(Parsed("\ndb_timeout = soon").GetSeconds("db_timeout", 5.0, &v, &err));
  EXPECT_EQ(err, "rocks.conf:2: db_timeout = soon: not a number of seconds");
  EXPECT_EQ(v, -1);
}

TEST(GetSecondsTest, TrailingUnit) {
  double v = -1;
  std::string err;
  EXPECT_FALSE(Parsed("db_timeout = 5s").GetSeconds("db_timeout", 5.0, &v, &err));
  EXPECT_EQ(err, "rocks.conf:1: db_timeout = 5s: not a number of seconds");
}

TEST(GetSecondsTest, Negative) {
  double v = -1;
  std::string err;
  EXPECT_FALSE(Parsed("db_timeout = -1").GetSeconds("db_timeout", 5.0, &v, &err));
  EXPECT_EQ(err, "rocks.conf:1: db_timeout = -1: not a number of seconds");
}

TEST(GetSecondsTest, Empty) {
  double v = -1;
  std::string err;
  EXPECT_FALSE(Parsed("db_timeout =").GetSeconds("db_timeout", 5.0, &v, &err));
  EXPECT_EQ(err, "rocks.conf:1: db_timeout = : not a number of seconds");
}

TEST(GetSecondsTest, NotANumberLiteral) {
  // strtod reads "nan" as a double; it is still no number of seconds.
  double v = -1;
  std::string err;
  EXPECT_FALSE(Parsed("db_timeout = nan").GetSeconds("db_timeout", 5.0, &v, &err));
  EXPECT_EQ(err, "rocks.conf:1: db_timeout = nan: not a number of seconds");
}

// LoadConfig --------------------------------------------------------------

/// Saves ROCKS_CONF and ROCKS_DB, clears them, and restores them afterwards;
/// gives each test a fresh temporary directory.
class LoadConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"ROCKS_CONF", "ROCKS_DB"}) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      unsetenv(name);
    }
    ASSERT_TRUE(tmp_.Make("config-test")) << tmp_.error();
    dir_ = tmp_.path();
  }
  void TearDown() override {
    for (const auto& [name, v] : saved_) {
      if (v)
        setenv(name.c_str(), v->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name, err;
    EXPECT_TRUE(WriteFileAtomic(path, text, nullptr, &err)) << err;
    return path;
  }

  /// The system file is outside the test's control; tests whose result it
  /// would change are skipped when it exists.
  static bool SystemFileExists() { return PathExists(SystemConfigPath()); }

  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it
  std::string dir_;
};

TEST_F(LoadConfigTest, NothingSetGivesTheDefaultDatabase) {
  if (SystemFileExists()) GTEST_SKIP() << SystemConfigPath() << " exists";
  Config cfg;
  std::string err;
  ASSERT_TRUE(LoadConfig("", &cfg, &err)) << err;
  EXPECT_EQ(cfg.Database(), "sqlite:" ROCKS_LOCALSTATEDIR "/lib/rocks/cluster.db");
  EXPECT_TRUE(cfg.values.empty());
}

TEST_F(LoadConfigTest, RocksConfFile) {
  std::string path = Write("rocks.conf", "# site\ndatabase = sqlite:/from/file.db\ndhcp_log = x\n");
  setenv("ROCKS_CONF", path.c_str(), 1);
  Config cfg;
  std::string err;
  ASSERT_TRUE(LoadConfig("", &cfg, &err)) << err;
  EXPECT_EQ(cfg.Database(), "sqlite:/from/file.db");
  EXPECT_EQ(cfg.sources.at("database"), path + ":2");
  EXPECT_EQ(cfg.Get("dhcp_log"), "x");
  EXPECT_EQ(cfg.sources.at("dhcp_log"), path + ":3");
}

TEST_F(LoadConfigTest, RocksDbOverridesRocksConf) {
  std::string path = Write("rocks.conf", "database = sqlite:/from/file.db\ndhcp_log = x\n");
  setenv("ROCKS_CONF", path.c_str(), 1);
  setenv("ROCKS_DB", "sqlite:/from/env.db", 1);
  Config cfg;
  std::string err;
  ASSERT_TRUE(LoadConfig("", &cfg, &err)) << err;
  EXPECT_EQ(cfg.Database(), "sqlite:/from/env.db");
  EXPECT_EQ(cfg.sources.at("database"), "ROCKS_DB");
  EXPECT_EQ(cfg.Get("dhcp_log"), "x");
}

TEST_F(LoadConfigTest, AnUnknownKeyNamesTheFileLineAndClosestKey) {
  std::string path = Write("rocks.conf", "database = sqlite:/x.db\n\ndist_lokc = /l\n");
  setenv("ROCKS_CONF", path.c_str(), 1);
  Config cfg;
  std::string err;
  EXPECT_FALSE(LoadConfig("", &cfg, &err));
  EXPECT_EQ(err, path + ":3: unknown key 'dist_lokc' (did you mean 'dist_lock'?)");
}

TEST_F(LoadConfigTest, AnUnknownKeyWithNothingClose) {
  std::string path = Write("rocks.conf", "web = x\n");
  setenv("ROCKS_CONF", path.c_str(), 1);
  Config cfg;
  std::string err;
  EXPECT_FALSE(LoadConfig("", &cfg, &err));
  EXPECT_EQ(err, path + ":1: unknown key 'web'");
}

TEST(ConfigKeysTest, GetFallsBackToTheTablesDefault) {
  Config none;
  for (const ConfigKey& k : ConfigKeys()) EXPECT_EQ(none.Get(k.name), k.default_value);
  EXPECT_EQ(none.Get(kConfUsersMinUid), "1000");
  EXPECT_EQ(FindConfigKey("web"), nullptr);
  ASSERT_NE(FindConfigKey(kConfShadow), nullptr);
  EXPECT_STREQ(FindConfigKey(kConfShadow)->shipped, "/etc/shadow");
}

TEST_F(LoadConfigTest, DbOptionOverridesEverything) {
  std::string path = Write("rocks.conf", "database = sqlite:/from/file.db\n");
  setenv("ROCKS_CONF", path.c_str(), 1);
  setenv("ROCKS_DB", "sqlite:/from/env.db", 1);
  Config cfg;
  std::string err;
  ASSERT_TRUE(LoadConfig("mysql:///cluster?socket=/s", &cfg, &err)) << err;
  EXPECT_EQ(cfg.Database(), "mysql:///cluster?socket=/s");
  EXPECT_EQ(cfg.sources.at("database"), "--db");
}

TEST_F(LoadConfigTest, DbOptionAlone) {
  Config cfg;
  std::string err;
  ASSERT_TRUE(LoadConfig("sqlite:/opt.db", &cfg, &err)) << err;
  EXPECT_EQ(cfg.Database(), "sqlite:/opt.db");
  EXPECT_EQ(cfg.sources.at("database"), "--db");
}

TEST_F(LoadConfigTest, RocksDbAlone) {
  setenv("ROCKS_DB", "sqlite:/env.db", 1);
  Config cfg;
  std::string err;
  ASSERT_TRUE(LoadConfig("", &cfg, &err)) << err;
  EXPECT_EQ(cfg.Database(), "sqlite:/env.db");
  EXPECT_EQ(cfg.sources.at("database"), "ROCKS_DB");
}

TEST_F(LoadConfigTest, EmptyVariablesAreIgnored) {
  if (SystemFileExists()) GTEST_SKIP() << SystemConfigPath() << " exists";
  setenv("ROCKS_CONF", "", 1);
  setenv("ROCKS_DB", "", 1);
  Config cfg;
  std::string err;
  ASSERT_TRUE(LoadConfig("", &cfg, &err)) << err;
  EXPECT_EQ(cfg.Database(), "sqlite:" ROCKS_LOCALSTATEDIR "/lib/rocks/cluster.db");
  EXPECT_EQ(cfg.sources.count("database"), 0u);
}

TEST_F(LoadConfigTest, MissingRocksConfFileIsAnError) {
  std::string path = dir_ + "/missing.conf";
  setenv("ROCKS_CONF", path.c_str(), 1);
  setenv("ROCKS_DB", "sqlite:/env.db", 1);
  Config cfg;
  std::string err;
  EXPECT_FALSE(LoadConfig("", &cfg, &err));
  EXPECT_EQ(err, path + ": No such file or directory");
}

TEST_F(LoadConfigTest, BadRocksConfFileIsAnError) {
  std::string path = Write("rocks.conf", "database = sqlite:/x\nthis line is wrong\n");
  setenv("ROCKS_CONF", path.c_str(), 1);
  Config cfg;
  std::string err;
  EXPECT_FALSE(LoadConfig("sqlite:/opt.db", &cfg, &err));
  EXPECT_EQ(err, path + ":2: expected 'key = value'");
}

TEST_F(LoadConfigTest, RocksConfThatIsADirectoryIsAnError) {
  setenv("ROCKS_CONF", dir_.c_str(), 1);
  Config cfg;
  std::string err;
  EXPECT_FALSE(LoadConfig("", &cfg, &err));
  EXPECT_EQ(err, dir_ + ": Is a directory");
}

}  // namespace
}  // namespace rocks
