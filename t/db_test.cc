// Tests for lib/db: the Database interface, run once against SQLite and once
// against a real MariaDB server (the "Mysql" instantiation, which t/mariadb.test
// runs with ROCKS_TEST_MYSQL_SOCKET set; without it those tests are skipped).
#include "db.h"
#include "test_db.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "file.h"
#include "strutil.h"

namespace rocks {
namespace {

using test::EngineName;
using test::EngineTest;
using test::MakeTempDir;
using test::TestEngine;

using std::nullopt;
using Rows = std::vector<SqlRow>;

// The engine fixture -------------------------------------------------------

/// A fresh, empty database per test: a SQLite file in a new temporary
/// directory, or a new database on the MariaDB server that is dropped again
/// afterwards.
class DbTest : public EngineTest {
 protected:
  /// Another connection to the same database.
  std::unique_ptr<Database> Connect(double lock_timeout = 5.0) {
    std::unique_ptr<Database> db;
    std::string err;
    DbOptions options;
    options.lock_timeout_seconds = lock_timeout;
    EXPECT_TRUE(OpenDatabase(url_, options, &db, &err)) << err;
    return db;
  }

  /// A small table `t (id, n, s)` with an auto-numbered id and a unique s.
  void CreateTable() {
    std::string err;
    std::string id = Mysql() ? "INTEGER PRIMARY KEY AUTO_INCREMENT" : "INTEGER PRIMARY KEY";
    std::string tail = Mysql() ? " ENGINE=InnoDB" : "";
    ASSERT_TRUE(db_->ExecDdl("CREATE TABLE t (id " + id + ", n BIGINT, s VARCHAR(64) UNIQUE)" +
                                 tail,
                             &err))
        << err;
  }

  Rows All(Database* db = nullptr) {
    Rows rows;
    std::string err;
    EXPECT_TRUE((db ? db : db_.get())->Query("SELECT id, n, s FROM t ORDER BY id", {}, &rows, &err))
        << err;
    return rows;
  }

  std::string Count(Database* db = nullptr) {
    Rows rows;
    std::string err;
    EXPECT_TRUE((db ? db : db_.get())->Query("SELECT COUNT(*) FROM t", {}, &rows, &err)) << err;
    return rows.size() == 1 && rows[0].size() == 1 && rows[0][0] ? *rows[0][0] : "?";
  }

};

INSTANTIATE_TEST_SUITE_P(Sqlite, DbTest, testing::Values(TestEngine::kSqlite), EngineName);
INSTANTIATE_TEST_SUITE_P(Mysql, DbTest, testing::Values(TestEngine::kMysql), EngineName);

TEST_P(DbTest, EngineAndUrl) {
  EXPECT_EQ(db_->engine(), Mysql() ? Engine::kMysql : Engine::kSqlite);
  EXPECT_EQ(db_->url(), url_);
}

TEST_P(DbTest, ExecInsertsWithParamsAndReportsLastId) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  int64_t id = -1, affected = -1;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (?, ?)",
                        {SqlParam::Int(7), SqlParam::Text("seven")}, &err, &id, &affected))
      << err;
  EXPECT_EQ(id, 1);
  EXPECT_EQ(affected, 1);
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (?, ?)",
                        {SqlParam::Int(-8), SqlParam::Text("eight")}, &err, &id, &affected))
      << err;
  EXPECT_EQ(id, 2);
  EXPECT_EQ(affected, 1);
  EXPECT_EQ(All(), (Rows{{"1", "7", "seven"}, {"2", "-8", "eight"}}));
}

TEST_P(DbTest, NullParamsAndNullColumns) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (?, ?)",
                        {SqlParam::Null(), SqlParam::TextOrNull("")}, &err))
      << err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (?, ?)",
                        {SqlParam::Int(0), SqlParam::Text("")}, &err))
      << err;
  // NULL is absent; an empty string and zero are values.
  EXPECT_EQ(All(), (Rows{{"1", nullopt, nullopt}, {"2", "0", ""}}));
  Rows rows;
  ASSERT_TRUE(db_->Query("SELECT id FROM t WHERE n IS NULL", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"1"}}));
}

TEST_P(DbTest, Int64Extremes) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (?, 'max'), (?, 'min')",
                        {SqlParam::Int(INT64_MAX), SqlParam::Int(INT64_MIN)}, &err))
      << err;
  EXPECT_EQ(All(), (Rows{{"1", "9223372036854775807", "max"},
                         {"2", "-9223372036854775808", "min"}}));
}

TEST_P(DbTest, TextIsBoundNotInterpolated) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  const std::string nasty = "O'Brien\"; DROP TABLE t; -- \\ caf\xc3\xa9 \xe2\x82\xac";
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (?, ?)",
                        {SqlParam::Int(1), SqlParam::Text(nasty)}, &err))
      << err;
  Rows rows;
  ASSERT_TRUE(db_->Query("SELECT s FROM t WHERE s = ?", {SqlParam::Text(nasty)}, &rows, &err))
      << err;
  EXPECT_EQ(rows, (Rows{{nasty}}));
  EXPECT_EQ(Count(), "1");
}

TEST_P(DbTest, QueryWithParamsAndReusedStatement) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  for (int i = 1; i <= 5; ++i)
    ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (?, ?)",
                          {SqlParam::Int(i * 10), SqlParam::Text("r" + std::to_string(i))}, &err))
        << err;
  const char* sql = "SELECT s FROM t WHERE n > ? AND s <> ? ORDER BY n";
  Rows rows;
  ASSERT_TRUE(db_->Query(sql, {SqlParam::Int(20), SqlParam::Text("r4")}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"r3"}, {"r5"}}));
  // The same statement again, with other values: nothing of the first
  // binding survives.
  rows.clear();
  ASSERT_TRUE(db_->Query(sql, {SqlParam::Int(40), SqlParam::Text("x")}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"r5"}}));
}

TEST_P(DbTest, QueryAppendsRows) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'a')", {}, &err)) << err;
  Rows rows = {{"before"}};
  ASSERT_TRUE(db_->Query("SELECT s FROM t", {}, &rows, &err)) << err;
  ASSERT_TRUE(db_->Query("SELECT s FROM t", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"before"}, {"a"}, {"a"}}));
}

TEST_P(DbTest, QueryNoRows) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  Rows rows;
  std::string err;
  ASSERT_TRUE(db_->Query("SELECT s FROM t WHERE n = ?", {SqlParam::Int(1)}, &rows, &err)) << err;
  EXPECT_EQ(rows, Rows{});
}

TEST_P(DbTest, AffectedCountsChangedRows) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'a'), (2, 'b'), (3, 'c')", {}, &err))
      << err;
  int64_t affected = -1;
  ASSERT_TRUE(db_->Exec("UPDATE t SET n = n + 100 WHERE n >= ?", {SqlParam::Int(2)}, &err,
                        nullptr, &affected))
      << err;
  EXPECT_EQ(affected, 2);
  ASSERT_TRUE(db_->Exec("DELETE FROM t WHERE s = ?", {SqlParam::Text("a")}, &err, nullptr,
                        &affected))
      << err;
  EXPECT_EQ(affected, 1);
  ASSERT_TRUE(db_->Exec("DELETE FROM t WHERE s = ?", {SqlParam::Text("zzz")}, &err, nullptr,
                        &affected))
      << err;
  EXPECT_EQ(affected, 0);
  EXPECT_EQ(All(), (Rows{{"2", "102", "b"}, {"3", "103", "c"}}));
}

TEST_P(DbTest, ExecErrorNamesTheDatabase) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'dup')", {}, &err)) << err;
  EXPECT_FALSE(db_->Exec("INSERT INTO t (n, s) VALUES (?, ?)",
                         {SqlParam::Int(2), SqlParam::Text("dup")}, &err));
  EXPECT_EQ(err, Mysql() ? url_ + ": Duplicate entry 'dup' for key 's'"
                         : path_ + ": UNIQUE constraint failed: t.s");
  EXPECT_EQ(Count(), "1");
}

TEST_P(DbTest, QueryErrorOnMissingTable) {
  Rows rows;
  std::string err;
  EXPECT_FALSE(db_->Query("SELECT * FROM nosuch", {}, &rows, &err));
  EXPECT_EQ(err, Mysql() ? url_ + ": Table '" + schema_ + ".nosuch' doesn't exist"
                         : path_ + ": no such table: nosuch");
  EXPECT_EQ(rows, Rows{});
}

TEST_P(DbTest, QuerySyntaxError) {
  Rows rows;
  std::string err;
  EXPECT_FALSE(db_->Query("SELEC 1", {}, &rows, &err));
  EXPECT_EQ(err, Mysql() ? url_ +
                               ": You have an error in your SQL syntax; check the manual that "
                               "corresponds to your MariaDB server version for the right "
                               "syntax to use near 'SELEC 1' at line 1"
                         : path_ + ": near \"SELEC\": syntax error");
}

TEST_P(DbTest, ExecDdlError) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  EXPECT_FALSE(db_->ExecDdl("CREATE TABLE t (x INTEGER)", &err));
  EXPECT_EQ(err, Mysql() ? url_ + ": Table 't' already exists"
                         : path_ + ": table t already exists");
}

TEST_P(DbTest, HasTable) {
  bool exists = true;
  std::string err;
  ASSERT_TRUE(db_->HasTable("t", &exists, &err)) << err;
  EXPECT_FALSE(exists);
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  ASSERT_TRUE(db_->HasTable("t", &exists, &err)) << err;
  EXPECT_TRUE(exists);
  ASSERT_TRUE(db_->HasTable("t2", &exists, &err)) << err;
  EXPECT_FALSE(exists);
}

TEST_P(DbTest, CommitMakesWritesVisible) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  auto other = Connect();
  ASSERT_TRUE(other);
  std::string err;
  ASSERT_TRUE(db_->Begin(&err)) << err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'a')", {}, &err)) << err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (2, 'b')", {}, &err)) << err;
  // Not yet visible to another connection.
  EXPECT_EQ(Count(other.get()), "0");
  ASSERT_TRUE(db_->Commit(&err)) << err;
  EXPECT_EQ(Count(other.get()), "2");
  EXPECT_EQ(All(other.get()), (Rows{{"1", "1", "a"}, {"2", "2", "b"}}));
}

TEST_P(DbTest, RollbackDiscardsWrites) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'kept')", {}, &err)) << err;
  ASSERT_TRUE(db_->Begin(&err)) << err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (2, 'gone')", {}, &err)) << err;
  ASSERT_TRUE(db_->Exec("UPDATE t SET n = 99 WHERE s = 'kept'", {}, &err)) << err;
  EXPECT_EQ(Count(), "2");  // the transaction sees its own writes
  db_->Rollback();
  EXPECT_EQ(All(), (Rows{{"1", "1", "kept"}}));
  auto other = Connect();
  ASSERT_TRUE(other);
  EXPECT_EQ(All(other.get()), (Rows{{"1", "1", "kept"}}));
}

TEST_P(DbTest, RollbackWithoutTransactionIsHarmless) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'a')", {}, &err)) << err;
  db_->Rollback();
  db_->Rollback();
  EXPECT_EQ(Count(), "1");
  // And a transaction still works afterwards.
  ASSERT_TRUE(db_->Begin(&err)) << err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (2, 'b')", {}, &err)) << err;
  ASSERT_TRUE(db_->Commit(&err)) << err;
  EXPECT_EQ(Count(), "2");
}

TEST_P(DbTest, TransactionRollsBackUnlessCommitted) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  {
    Transaction tx(db_.get());
    ASSERT_TRUE(tx.Begin(&err)) << err;
    ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'a')", {}, &err)) << err;
  }
  EXPECT_EQ(Count(), "0");
  {
    Transaction tx(db_.get());
    ASSERT_TRUE(tx.Begin(&err)) << err;
    ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (2, 'b')", {}, &err)) << err;
    ASSERT_TRUE(tx.Commit(&err)) << err;
  }
  Rows rows;
  ASSERT_TRUE(db_->Query("SELECT n, s FROM t", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"2", "b"}}));
}

/// The engine underneath, except that COMMIT fails (as a Galera
/// certification failure or a lost connection would) and leaves the
/// transaction open.
class CommitFails : public Database {
 public:
  explicit CommitFails(Database* db) : db_(db) {}
  Engine engine() const override { return db_->engine(); }
  const std::string& url() const override { return db_->url(); }
  bool Exec(std::string_view sql, const std::vector<SqlParam>& params, std::string* err,
            int64_t* last_id = nullptr, int64_t* affected = nullptr) override {
    return db_->Exec(sql, params, err, last_id, affected);
  }
  bool QueryEach(std::string_view sql, const std::vector<SqlParam>& params,
                 const std::function<void(const SqlCells&)>& each,
                 std::string* err) override {
    return db_->QueryEach(sql, params, each, err);
  }
  bool ExecDdl(std::string_view sql, std::string* err) override { return db_->ExecDdl(sql, err); }
  bool HasTable(const std::string& name, bool* exists, std::string* err) override {
    return db_->HasTable(name, exists, err);
  }
  bool Begin(std::string* err) override { return db_->Begin(err); }
  bool Commit(std::string* err) override {
    if (fail_) {
      fail_ = false;
      *err = "commit failed";
      return false;
    }
    return db_->Commit(err);
  }
  void Rollback() override {
    ++rollbacks_;
    db_->Rollback();
  }
  int rollbacks_ = 0;

 private:
  Database* db_;
  bool fail_ = true;
};

TEST_P(DbTest, TransactionRollsBackACommitThatFailed) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  CommitFails db(db_.get());
  std::string err;
  {
    Transaction tx(&db);
    ASSERT_TRUE(tx.Begin(&err)) << err;
    ASSERT_TRUE(db.Exec("INSERT INTO t (n, s) VALUES (1, 'a')", {}, &err)) << err;
    EXPECT_FALSE(tx.Commit(&err));
    EXPECT_EQ(err, "commit failed");
    EXPECT_EQ(db.rollbacks_, 1);
  }
  EXPECT_EQ(db.rollbacks_, 1);
  EXPECT_EQ(Count(), "0");
  // The connection is out of the failed transaction: the next one works.
  {
    Transaction tx(&db);
    ASSERT_TRUE(tx.Begin(&err)) << err;
    ASSERT_TRUE(db.Exec("INSERT INTO t (n, s) VALUES (2, 'b')", {}, &err)) << err;
    ASSERT_TRUE(tx.Commit(&err)) << err;
  }
  EXPECT_EQ(db.rollbacks_, 1);
  Rows rows;
  ASSERT_TRUE(db_->Query("SELECT n, s FROM t", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"2", "b"}}));
}

TEST_P(DbTest, RollbackAfterAFailedStatementDiscardsTheWholeTransaction) {
  ASSERT_NO_FATAL_FAILURE(CreateTable());
  std::string err;
  ASSERT_TRUE(db_->Begin(&err)) << err;
  ASSERT_TRUE(db_->Exec("INSERT INTO t (n, s) VALUES (1, 'a')", {}, &err)) << err;
  EXPECT_FALSE(db_->Exec("INSERT INTO t (n, s) VALUES (2, 'a')", {}, &err));
  db_->Rollback();
  EXPECT_EQ(Count(), "0");
}

// Opening ------------------------------------------------------------------

class OpenDatabaseTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("open-test");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool Open(const std::string& url, std::string* err) {
    return OpenDatabase(url, {}, &db_, err);
  }
  std::string dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(OpenDatabaseTest, SqliteCreatesTheFile) {
  std::string err;
  ASSERT_TRUE(Open("sqlite:" + dir_ + "/new.db", &err)) << err;
  EXPECT_EQ(db_->engine(), Engine::kSqlite);
  EXPECT_EQ(db_->url(), "sqlite:" + dir_ + "/new.db");
  EXPECT_TRUE(PathExists(dir_ + "/new.db"));
}

TEST_F(OpenDatabaseTest, SqliteWithoutCreateReportsAMissingFileAndCreatesNothing) {
  DbOptions options;
  options.create = false;
  std::string err;
  EXPECT_FALSE(OpenDatabase("sqlite:" + dir_ + "/typo.db", options, &db_, &err));
  EXPECT_EQ(err, "sqlite:" + dir_ + "/typo.db: no cluster database here (run 'rocks init')");
  for (const char* suffix : {"", "-wal", "-shm"})
    EXPECT_FALSE(PathExists(dir_ + "/typo.db" + suffix)) << suffix;
  // An existing file opens as before.
  ASSERT_TRUE(Open("sqlite:" + dir_ + "/there.db", &err)) << err;
  db_.reset();
  ASSERT_TRUE(OpenDatabase("sqlite:" + dir_ + "/there.db", options, &db_, &err)) << err;
}

TEST_F(OpenDatabaseTest, SqliteRemoveCreatedRemovesOnlyWhatThisOpenCreated) {
  std::string err;
  ASSERT_TRUE(Open("sqlite:" + dir_ + "/new.db", &err)) << err;
  ASSERT_TRUE(db_->ExecDdl("CREATE TABLE t (n INTEGER)", &err)) << err;
  db_->RemoveCreated();
  db_.reset();
  for (const char* suffix : {"", "-wal", "-shm"})
    EXPECT_FALSE(PathExists(dir_ + "/new.db" + suffix)) << suffix;
  ASSERT_TRUE(Open("sqlite:" + dir_ + "/new.db", &err)) << err;
  ASSERT_TRUE(db_->ExecDdl("CREATE TABLE t (n INTEGER)", &err)) << err;
  db_.reset();
  ASSERT_TRUE(Open("sqlite:" + dir_ + "/new.db", &err)) << err;
  db_->RemoveCreated();
  db_.reset();
  EXPECT_TRUE(PathExists(dir_ + "/new.db"));
}

TEST_F(OpenDatabaseTest, SqliteDoubleSlashForm) {
  std::string err;
  ASSERT_TRUE(Open("sqlite://" + dir_ + "/new.db", &err)) << err;
  EXPECT_EQ(db_->url(), "sqlite://" + dir_ + "/new.db");
  EXPECT_TRUE(PathExists(dir_ + "/new.db"));
}

TEST_F(OpenDatabaseTest, UnknownScheme) {
  std::string err;
  EXPECT_FALSE(Open("postgres://localhost/cluster", &err));
  EXPECT_EQ(err,
            "postgres://localhost/cluster: unknown database URL (expected sqlite:PATH or "
            "mysql://...)");
  EXPECT_EQ(db_, nullptr);
}

TEST_F(OpenDatabaseTest, BarePathIsNotAUrl) {
  std::string err;
  EXPECT_FALSE(Open(dir_ + "/cluster.db", &err));
  EXPECT_EQ(err, dir_ + "/cluster.db: unknown database URL (expected sqlite:PATH or mysql://...)");
  EXPECT_FALSE(PathExists(dir_ + "/cluster.db"));
}

TEST_F(OpenDatabaseTest, SqliteMissingPath) {
  std::string err;
  EXPECT_FALSE(Open("sqlite:", &err));
  EXPECT_EQ(err, "sqlite:: missing database file path");
  EXPECT_FALSE(Open("sqlite://", &err));
  EXPECT_EQ(err, "sqlite://: missing database file path");
}

TEST_F(OpenDatabaseTest, SqlitePathIsADirectory) {
  std::string err;
  EXPECT_FALSE(Open("sqlite:" + dir_, &err));
  EXPECT_EQ(err, dir_ + ": is a directory");
  EXPECT_EQ(db_, nullptr);
}

TEST_F(OpenDatabaseTest, SqliteFileIsNotADatabase) {
  std::string path = dir_ + "/hosts.txt";
  std::string text;
  for (int i = 0; i < 100; ++i) text += "10.1.1." + std::to_string(i) + " compute-0-" +
                                        std::to_string(i) + "\n";
  std::string err;
  ASSERT_TRUE(WriteFileAtomic(path, text, nullptr, &err)) << err;
  EXPECT_FALSE(Open("sqlite:" + path, &err));
  EXPECT_EQ(err, path + ": file is not a database");
  EXPECT_EQ(db_, nullptr);
  // And the file is as it was.
  std::string after;
  ASSERT_TRUE(ReadFile(path, &after, &err)) << err;
  EXPECT_EQ(after, text);
}

TEST_F(OpenDatabaseTest, SqliteDirectoryMissing) {
  std::string err;
  EXPECT_FALSE(Open("sqlite:" + dir_ + "/nodir/cluster.db", &err));
  EXPECT_EQ(err, dir_ + "/nodir/cluster.db: cannot create the database: " + dir_ +
                     "/nodir: No such file or directory");
  EXPECT_FALSE(PathExists(dir_ + "/nodir"));
}

TEST_F(OpenDatabaseTest, MysqlUrlWithoutSlashes) {
  std::string err;
  EXPECT_FALSE(Open("mysql:cluster", &err));
  EXPECT_EQ(err, "mysql:cluster: expected mysql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE");
}

TEST_F(OpenDatabaseTest, MysqlUrlWithoutDatabase) {
  std::string err;
  EXPECT_FALSE(Open("mysql://localhost", &err));
  EXPECT_EQ(err, "mysql://localhost: missing database name");
  EXPECT_FALSE(Open("mysql://localhost/", &err));
  EXPECT_EQ(err, "mysql://localhost/: missing database name");
  EXPECT_FALSE(Open("mysql:///?socket=/run/mysqld/mysqld.sock", &err));
  EXPECT_EQ(err, "mysql:///?socket=/run/mysqld/mysqld.sock: missing database name");
}

TEST_F(OpenDatabaseTest, MysqlUrlPortOutOfRange) {
  std::string err;
  EXPECT_FALSE(Open("mysql://db.example.org:65536/cluster", &err));
  EXPECT_EQ(err, "mysql://db.example.org:65536/cluster: invalid port");
  EXPECT_FALSE(Open("mysql://db.example.org:0/cluster", &err));
  EXPECT_EQ(err, "mysql://db.example.org:0/cluster: invalid port");
}

TEST_F(OpenDatabaseTest, MysqlUrlPortNotANumber) {
  std::string err;
  EXPECT_FALSE(Open("mysql://db.example.org:http/cluster", &err));
  EXPECT_EQ(err, "mysql://db.example.org:http/cluster: invalid port");
}

TEST_F(OpenDatabaseTest, MysqlUrlUnknownParameter) {
  std::string err;
  EXPECT_FALSE(Open("mysql:///cluster?sock=/run/mysqld/mysqld.sock", &err));
  EXPECT_EQ(err, "mysql:///cluster?sock=/run/mysqld/mysqld.sock: unknown parameter 'sock'");
}

TEST_F(OpenDatabaseTest, MysqlSocketDoesNotExist) {
  std::string url = "mysql:///cluster?socket=" + dir_ + "/no-such.sock";
  std::string err;
  EXPECT_FALSE(Open(url, &err));
  EXPECT_TRUE(StartsWith(err, url + ": ")) << err;
  EXPECT_NE(err.find("Can't connect"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_EQ(db_, nullptr);
}

TEST(RedactDbUrlTest, DropsThePasswordAndKeepsTheRest) {
  EXPECT_EQ(RedactDbUrl("mysql://rocks:s3cret@db.example.org:3307/cluster"),
            "mysql://rocks@db.example.org:3307/cluster");
  EXPECT_EQ(RedactDbUrl("mysql://:s3cret@db/cluster"), "mysql://db/cluster");
  EXPECT_EQ(RedactDbUrl("mysql://rocks:p@ss/w:rd@db/cluster"), "mysql://rocks@db/cluster");
  EXPECT_EQ(RedactDbUrl("mysql:///cluster?socket=/run/m.sock&user=rocks&password=s3cret"),
            "mysql:///cluster?socket=/run/m.sock&user=rocks");
  EXPECT_EQ(RedactDbUrl("mysql:///cluster?password=s3cret&socket=/run/m.sock"),
            "mysql:///cluster?socket=/run/m.sock");
  EXPECT_EQ(RedactDbUrl("mysql:///cluster?password=s3cret"), "mysql:///cluster");
  EXPECT_EQ(RedactDbUrl("mysql://rocks@db/cluster"), "mysql://rocks@db/cluster");
  EXPECT_EQ(RedactDbUrl("mysql:cluster"), "mysql:cluster");
  EXPECT_EQ(RedactDbUrl("postgres://rocks:s3cret@db/cluster"), "postgres://rocks@db/cluster");
  EXPECT_EQ(RedactDbUrl("sqlite:/var/lib/rocks/a:b@c.db"), "sqlite:/var/lib/rocks/a:b@c.db");
}

// Every message names the URL without its password, which would otherwise
// reach standard error and, through kickstart.cgi, the web server's log.
TEST_F(OpenDatabaseTest, MysqlErrorsNeverRepeatThePassword) {
  std::string err;
  EXPECT_FALSE(Open("mysql://rocks:s3cret@db.example.org:0/cluster", &err));
  EXPECT_EQ(err, "mysql://rocks@db.example.org:0/cluster: invalid port");
  EXPECT_FALSE(Open("mysql://rocks:s3/cret@db.example.org/cluster", &err));
  EXPECT_EQ(err.find("s3"), std::string::npos) << err;
  EXPECT_FALSE(Open("mysq://rocks:s3cret@db/cluster", &err));
  EXPECT_EQ(err, "mysq://rocks@db/cluster: unknown database URL (expected sqlite:PATH or "
                 "mysql://...)");
  EXPECT_FALSE(Open("mysql:///cluster?password=s3cret&sock=/x", &err));
  EXPECT_EQ(err, "mysql:///cluster?sock=/x: unknown parameter 'sock'");
  std::string url = "mysql://rocks:s3cret@localhost/cluster?socket=" + dir_ + "/no-such.sock";
  EXPECT_FALSE(Open(url, &err));
  EXPECT_TRUE(StartsWith(err, "mysql://rocks@localhost/cluster?socket=" + dir_ +
                                  "/no-such.sock: "))
      << err;
  EXPECT_EQ(err.find("s3cret"), std::string::npos) << err;
}

// SQLite writers -----------------------------------------------------------

class SqliteLockTest : public OpenDatabaseTest {
 protected:
  std::unique_ptr<Database> Connect(double lock_timeout) {
    std::unique_ptr<Database> db;
    std::string err;
    DbOptions options;
    options.lock_timeout_seconds = lock_timeout;
    EXPECT_TRUE(OpenDatabase("sqlite:" + dir_ + "/cluster.db", options, &db, &err)) << err;
    return db;
  }
};

TEST_F(SqliteLockTest, SecondWriterTimesOutWhileTheFirstHoldsATransaction) {
  auto first = Connect(0.2), second = Connect(0.2);
  ASSERT_TRUE(first && second);
  std::string err;
  ASSERT_TRUE(first->ExecDdl("CREATE TABLE t (n INTEGER)", &err)) << err;
  ASSERT_TRUE(first->Begin(&err)) << err;
  ASSERT_TRUE(first->Exec("INSERT INTO t (n) VALUES (1)", {}, &err)) << err;

  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(second->Begin(&err));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(err, dir_ + "/cluster.db: database is locked");
  EXPECT_GE(waited, std::chrono::milliseconds(150));

  err.clear();
  EXPECT_FALSE(second->Exec("INSERT INTO t (n) VALUES (?)", {SqlParam::Int(2)}, &err));
  EXPECT_EQ(err, dir_ + "/cluster.db: database is locked");

  // Once the first commits, the second writes.
  ASSERT_TRUE(first->Commit(&err)) << err;
  ASSERT_TRUE(second->Begin(&err)) << err;
  ASSERT_TRUE(second->Exec("INSERT INTO t (n) VALUES (?)", {SqlParam::Int(3)}, &err)) << err;
  ASSERT_TRUE(second->Commit(&err)) << err;
  Rows rows;
  ASSERT_TRUE(first->Query("SELECT n FROM t ORDER BY n", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"1"}, {"3"}}));
}

TEST_F(SqliteLockTest, SecondWriterWaitsForTheFirst) {
  auto first = Connect(5), second = Connect(5);
  ASSERT_TRUE(first && second);
  std::string err;
  ASSERT_TRUE(first->ExecDdl("CREATE TABLE t (n INTEGER)", &err)) << err;
  ASSERT_TRUE(first->Begin(&err)) << err;
  ASSERT_TRUE(first->Exec("INSERT INTO t (n) VALUES (1)", {}, &err)) << err;
  std::string first_err;
  bool first_ok = false;
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    first_ok = first->Commit(&first_err);
  });
  bool began = second->Begin(&err);
  committer.join();
  ASSERT_TRUE(first_ok) << first_err;
  ASSERT_TRUE(began) << err;
  ASSERT_TRUE(second->Exec("INSERT INTO t (n) VALUES (2)", {}, &err)) << err;
  ASSERT_TRUE(second->Commit(&err)) << err;
  Rows rows;
  ASSERT_TRUE(second->Query("SELECT n FROM t ORDER BY n", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"1"}, {"2"}}));
}

// A COMMIT that SQLite itself refuses: a deferred foreign key still
// violated at the end of the transaction. The transaction is rolled back,
// not left open, so that a long-running writer (insert-ethers) goes on.
TEST_F(SqliteLockTest, ACommitThatFailsIsRolledBackAndTheNextBeginWorks) {
  auto db = Connect(0.2);
  ASSERT_TRUE(db);
  std::string err;
  ASSERT_TRUE(db->ExecDdl("CREATE TABLE p (id INTEGER PRIMARY KEY); "
                          "CREATE TABLE c (p INTEGER REFERENCES p (id) "
                          "DEFERRABLE INITIALLY DEFERRED)",
                          &err))
      << err;
  {
    Transaction tx(db.get());
    ASSERT_TRUE(tx.Begin(&err)) << err;
    ASSERT_TRUE(db->Exec("INSERT INTO c (p) VALUES (7)", {}, &err)) << err;
    EXPECT_FALSE(tx.Commit(&err));
    EXPECT_EQ(err, dir_ + "/cluster.db: FOREIGN KEY constraint failed");
  }
  Rows rows;
  ASSERT_TRUE(db->Query("SELECT count(*) FROM c", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"0"}}));
  // Another connection can write: no lock is left behind.
  auto other = Connect(0.2);
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->Begin(&err)) << err;
  ASSERT_TRUE(other->Exec("INSERT INTO p (id) VALUES (1)", {}, &err)) << err;
  ASSERT_TRUE(other->Commit(&err)) << err;
  Transaction tx(db.get());
  ASSERT_TRUE(tx.Begin(&err)) << err;
  ASSERT_TRUE(db->Exec("INSERT INTO c (p) VALUES (1)", {}, &err)) << err;
  ASSERT_TRUE(tx.Commit(&err)) << err;
  rows.clear();
  ASSERT_TRUE(other->Query("SELECT p FROM c", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"1"}}));
}

TEST_F(SqliteLockTest, ReaderSeesCommittedStateDuringAWrite) {
  auto first = Connect(0.2), second = Connect(0.2);
  ASSERT_TRUE(first && second);
  std::string err;
  ASSERT_TRUE(first->ExecDdl("CREATE TABLE t (n INTEGER)", &err)) << err;
  ASSERT_TRUE(first->Exec("INSERT INTO t (n) VALUES (1)", {}, &err)) << err;
  ASSERT_TRUE(first->Begin(&err)) << err;
  ASSERT_TRUE(first->Exec("INSERT INTO t (n) VALUES (2)", {}, &err)) << err;
  Rows rows;
  ASSERT_TRUE(second->Query("SELECT n FROM t", {}, &rows, &err)) << err;
  EXPECT_EQ(rows, (Rows{{"1"}}));
  first->Rollback();
}

}  // namespace
}  // namespace rocks
