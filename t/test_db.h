// The database fixture the GoogleTest files share: every test derived from
// EngineTest runs once on SQLite and, under t/mariadb.test, once on a real
// MariaDB server (its name then contains "Mysql", which that script selects).
#ifndef ROCKS_T_TEST_DB_H_
#define ROCKS_T_TEST_DB_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "db.h"
#include "temp_dir.h"

namespace rocks::test {

enum class TestEngine { kSqlite, kMysql };

inline void PrintTo(TestEngine e, std::ostream* os) {
  *os << (e == TestEngine::kSqlite ? "Sqlite" : "Mysql");
}

inline std::string EngineName(const testing::TestParamInfo<TestEngine>& info) {
  return info.param == TestEngine::kSqlite ? "Sqlite" : "Mysql";
}

/// A fresh, empty database per test: a SQLite file in a new temporary
/// directory, or a new database on the MariaDB server named by
/// ROCKS_TEST_MYSQL_SOCKET, dropped again afterwards. Without that server
/// the MariaDB half is skipped, saying why.
class EngineTest : public testing::TestWithParam<TestEngine> {
 protected:
  void SetUp() override {
    std::string err;
    if (GetParam() == TestEngine::kSqlite) {
      dir_ = MakeTempDir("db-test");
      ASSERT_FALSE(dir_.empty());
      path_ = dir_ + "/cluster.db";
      url_ = "sqlite:" + path_;
    } else {
      const char* sock = std::getenv("ROCKS_TEST_MYSQL_SOCKET");
      if (!sock || !*sock)
        GTEST_SKIP() << "MariaDB: ROCKS_TEST_MYSQL_SOCKET not set (run under t/mariadb.test)";
      static int counter = 0;
      schema_ = "t_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
      ASSERT_TRUE(OpenDatabase(std::string("mysql:///mysql?socket=") + sock, {}, &admin_, &err))
          << err;
      ASSERT_TRUE(admin_->ExecDdl("CREATE DATABASE " + schema_, &err)) << err;
      url_ = "mysql:///" + schema_ + "?socket=" + sock;
      path_ = url_;  // engine messages name the URL
    }
    ASSERT_TRUE(OpenDatabase(url_, options_, &db_, &err)) << err;
  }

  void TearDown() override {
    db_.reset();
    if (admin_) {
      std::string err;
      EXPECT_TRUE(admin_->ExecDdl("DROP DATABASE " + schema_, &err)) << err;
      admin_.reset();
    }
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  bool Mysql() const { return GetParam() == TestEngine::kMysql; }

  DbOptions options_;
  std::string dir_;     ///< SQLite: the temporary directory
  std::string path_;    ///< what engine messages name: the file, or the URL
  std::string url_;
  std::string schema_;  ///< MariaDB: the database made for this test
  std::unique_ptr<Database> admin_;
  std::unique_ptr<Database> db_;
};

}  // namespace rocks::test

#endif  // ROCKS_T_TEST_DB_H_
