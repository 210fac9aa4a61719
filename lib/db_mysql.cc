// The MySQL/MariaDB engine, through MySQL Connector/C++ 1.1. The connector
// reports errors by throwing; nothing thrown leaves this file. Built
// --without-mysql, only the URL is checked before the open is refused.
#include "build-config.h"

#if ROCKS_WITH_MYSQL
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <dlfcn.h>
#include <mysql_driver.h>
#endif

#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>

#include "db.h"
#include "strutil.h"

namespace rocks {
namespace {

constexpr int kNoSuchTable = 1146;

/// The parts of a mysql: URL.
struct MysqlTarget {
  std::string user = "root";
  std::string password;
  bool has_password = false;
  std::string host;
  int port = 3306;
  std::string socket;
  std::string schema;
};

bool ParseMysqlUrl(const std::string& url, MysqlTarget* t, std::string* err) {
  const std::string shown = RedactDbUrl(url);
  if (!StartsWith(url, "mysql://")) {
    *err = shown + ": expected mysql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE";
    return false;
  }
  std::string rest = url.substr(8);
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 == rest.size()) {
    *err = shown + ": missing database name";
    return false;
  }
  t->schema = rest.substr(slash + 1);
  std::string authority = rest.substr(0, slash);
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (size_t colon = userinfo.find(':'); colon != std::string::npos) {
      t->password = userinfo.substr(colon + 1);
      t->has_password = true;
      userinfo = userinfo.substr(0, colon);
    }
    if (!userinfo.empty()) t->user = userinfo;
  }
  if (size_t colon = authority.find(':'); colon != std::string::npos) {
    int64_t port;
    if (!ParseInt(authority.substr(colon + 1), &port) || port < 1 ||
        port > 65535) {
      *err = shown + ": invalid port";
      return false;
    }
    t->port = static_cast<int>(port);
    authority = authority.substr(0, colon);
  }
  t->host = authority;
  if (!query.empty()) {
    for (const std::string& kv : Split(query, '&')) {
      size_t eq = kv.find('=');
      std::string key = kv.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
      if (key == "socket") {
        t->socket = value;
      } else if (key == "user") {
        t->user = value;
      } else if (key == "password") {
        t->password = value;
        t->has_password = true;
      } else {
        *err = shown + ": unknown parameter '" + key + "'";
        return false;
      }
    }
  }
  if (t->host.empty() && t->socket.empty()) t->host = "localhost";
  return true;
}

#if ROCKS_WITH_MYSQL

/// The connector's driver, from the shared object loaded on first use:
/// every call into it after this one is a virtual call, so nothing else of
/// it is needed at link time.
sql::Driver* LoadDriver(std::string* err) {
  static sql::Driver* driver = nullptr;
  if (driver) return driver;
  void* lib = dlopen(ROCKS_MYSQLCPP_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    *err = std::string("MySQL Connector/C++ not available: ") + dlerror();
    return nullptr;
  }
  using GetDriver = void* (*)();
  auto get = reinterpret_cast<GetDriver>(dlsym(lib, "sql_mysql_get_driver_instance"));
  if (!get) {
    *err = std::string("MySQL Connector/C++: ") + dlerror();
    return nullptr;
  }
  driver = static_cast<sql::Driver*>(static_cast<sql::mysql::MySQL_Driver*>(get()));
  return driver;
}

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

class MysqlDatabase : public Database {
 public:
  explicit MysqlDatabase(std::string url)
      : url_(std::move(url)), shown_url_(RedactDbUrl(url_)) {}
  ~MysqlDatabase() override {
    cache_.clear();
    try {
      if (con_) con_->close();
    } catch (...) {
    }
  }

  bool Open(const DbOptions& options, std::string* err) {
    MysqlTarget t;
    if (!ParseMysqlUrl(url_, &t, err)) return false;
    std::string why;
    sql::Driver* driver = LoadDriver(&why);
    if (!driver) {
      *err = shown_url_ + ": " + why;
      return false;
    }
    try {
      sql::ConnectOptionsMap props;
      props["hostName"] = t.socket.empty()
                              ? sql::SQLString("tcp://" + t.host)
                              : sql::SQLString("unix://" + t.socket);
      if (t.socket.empty()) props["port"] = t.port;
      props["userName"] = sql::SQLString(t.user);
      props["password"] = sql::SQLString(t.password);
      props["schema"] = sql::SQLString(t.schema);
      props["OPT_CONNECT_TIMEOUT"] = 5;
      props["OPT_RECONNECT"] = false;
      con_.reset(driver->connect(props));
      std::unique_ptr<sql::Statement> st(con_->createStatement());
      int wait = std::max(1, static_cast<int>(std::lround(options.lock_timeout_seconds)));
      st->execute("SET SESSION innodb_lock_wait_timeout = " + std::to_string(wait));
      st->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE'");
    } catch (sql::SQLException& e) {
      *err = shown_url_ + ": " + OneLine(e.what());
      return false;
    } catch (std::exception& e) {
      *err = shown_url_ + ": " + OneLine(e.what());
      return false;
    }
    return true;
  }

  Engine engine() const override { return Engine::kMysql; }
  const std::string& url() const override { return shown_url_; }

  bool Exec(std::string_view sql, const std::vector<SqlParam>& params,
            std::string* err, int64_t* last_id, int64_t* affected) override {
    try {
      sql::PreparedStatement* ps = Prepare(sql, params);
      int n = ps->executeUpdate();
      if (affected) *affected = n;
      if (last_id) {
        std::unique_ptr<sql::Statement> st(con_->createStatement());
        std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT LAST_INSERT_ID()"));
        *last_id = rs->next() ? rs->getInt64(1) : 0;
      }
      return true;
    } catch (sql::SQLException& e) {
      return Fail(e, err);
    }
  }

  bool QueryEach(std::string_view sql, const std::vector<SqlParam>& params,
                 const std::function<void(const SqlCells&)>& each,
                 std::string* err) override {
    try {
      sql::PreparedStatement* ps = Prepare(sql, params);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      unsigned ncol = rs->getMetaData()->getColumnCount();
      std::vector<std::string> text(ncol);
      SqlCells cells;
      cells.cells_.resize(ncol);
      while (rs->next()) {
        for (unsigned i = 0; i < ncol; ++i) {
          if (rs->isNull(i + 1)) {
            cells.cells_[i].reset();
          } else {
            text[i] = rs->getString(i + 1).asStdString();
            cells.cells_[i] = text[i];
          }
        }
        each(cells);
      }
      return true;
    } catch (sql::SQLException& e) {
      return Fail(e, err);
    }
  }

  bool ExecDdl(std::string_view sql, std::string* err) override {
    try {
      std::unique_ptr<sql::Statement> st(con_->createStatement());
      st->execute(sql::SQLString(std::string(sql)));
      return true;
    } catch (sql::SQLException& e) {
      return Fail(e, err);
    }
  }

  bool HasTable(const std::string& name, bool* exists,
                std::string* err) override {
    std::vector<SqlRow> rows;
    if (!Query("SELECT 1 FROM information_schema.tables "
               "WHERE table_schema = DATABASE() AND table_name = ?",
               {SqlParam::Text(name)}, &rows, err))
      return false;
    *exists = !rows.empty();
    return true;
  }

  bool Begin(std::string* err) override {
    if (!ExecDdl("START TRANSACTION", err)) return false;
    // Writers queue on the schema_info row, as SQLite writers queue on the
    // file lock, so two writers never interleave. Before `rocks init` there
    // is no such table and nothing to serialise against.
    try {
      std::unique_ptr<sql::Statement> st(con_->createStatement());
      std::unique_ptr<sql::ResultSet> rs(
          st->executeQuery("SELECT version FROM schema_info FOR UPDATE"));
    } catch (sql::SQLException& e) {
      if (e.getErrorCode() != kNoSuchTable) {
        Rollback();
        return Fail(e, err);
      }
    }
    return true;
  }

  bool Commit(std::string* err) override { return ExecDdl("COMMIT", err); }

  void Rollback() override {
    try {
      std::unique_ptr<sql::Statement> st(con_->createStatement());
      st->execute("ROLLBACK");
    } catch (...) {
    }
  }

 private:
  bool Fail(sql::SQLException& e, std::string* err) {
    *err = shown_url_ + ": " + OneLine(e.what());
    return false;
  }

  sql::PreparedStatement* Prepare(std::string_view sql,
                                  const std::vector<SqlParam>& params) {
    std::string key(sql);
    auto it = cache_.find(key);
    sql::PreparedStatement* ps;
    if (it == cache_.end()) {
      ps = con_->prepareStatement(sql::SQLString(key));
      cache_.emplace(key, std::unique_ptr<sql::PreparedStatement>(ps));
    } else {
      ps = it->second.get();
      ps->clearParameters();
    }
    for (size_t i = 0; i < params.size(); ++i) {
      unsigned idx = static_cast<unsigned>(i + 1);
      const SqlParam& p = params[i];
      switch (p.kind) {
        case SqlParam::Kind::kNull: ps->setNull(idx, sql::DataType::VARCHAR); break;
        case SqlParam::Kind::kInt: ps->setInt64(idx, p.i); break;
        case SqlParam::Kind::kText: ps->setString(idx, sql::SQLString(p.s)); break;
      }
    }
    return ps;
  }

  std::string url_;        ///< with its password, to connect
  std::string shown_url_;  ///< without it, for messages
  std::unique_ptr<sql::Connection> con_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> cache_;
};

#endif  // ROCKS_WITH_MYSQL

}  // namespace

#if ROCKS_WITH_MYSQL
bool OpenMysql(const std::string& url, const DbOptions& options,
               std::unique_ptr<Database>* db, std::string* err) {
  try {
    auto mysql = std::make_unique<MysqlDatabase>(url);
    if (!mysql->Open(options, err)) return false;
    *db = std::move(mysql);
    return true;
  } catch (std::exception& e) {
    *err = RedactDbUrl(url) + ": " + OneLine(e.what());
    return false;
  }
}
#else
bool OpenMysql(const std::string& url, const DbOptions& options,
               std::unique_ptr<Database>* db, std::string* err) {
  MysqlTarget t;
  if (!ParseMysqlUrl(url, &t, err)) return false;
  *err = RedactDbUrl(url) + ": this build has no MySQL support (configured --without-mysql)";
  return false;
}
#endif

}  // namespace rocks
