// The embedded SQLite engine.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "db.h"
#include "file.h"
#include "strutil.h"

namespace rocks {
namespace {

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(std::string url, std::string path)
      : url_(std::move(url)), path_(std::move(path)) {}
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close(db_);
  }

  bool Open(const DbOptions& options, std::string* err) {
    struct stat st;
    if (stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      *err = path_ + ": is a directory";
      return false;
    }
    if (!options.create && access(path_.c_str(), F_OK) != 0) {
      *err = url_ + ": no cluster database here (run 'rocks init')";
      return false;
    }
    if (!CreateFile(err)) return false;
    int rc = sqlite3_open_v2(path_.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      *err = path_ + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
      return false;
    }
    sqlite3_busy_timeout(
        db_, static_cast<int>(std::lround(options.lock_timeout_seconds * 1000)));
    // Reading the schema touches the file header, so a file that is not a
    // database is reported here, at open, naming the file.
    if (!ExecDdl("PRAGMA foreign_keys = ON", err) ||
        !ExecDdl("SELECT count(*) FROM sqlite_master", err))
      return false;
    // A write-ahead log with NORMAL sync makes a commit cost a write, not
    // an fsync of the whole journal: a burst of 1,000 discovered nodes is
    // 1,000 transactions. Readers then never wait for the writer either.
    // Where the mode cannot be set (read-only directory) the default
    // journal still works, only slower.
    std::string ignored;
    ExecDdl("PRAGMA journal_mode = WAL", &ignored);
    // The tools are short-lived processes (kpp runs once per host): the
    // last one out must not checkpoint and delete the log for the next one
    // to create it again. Checkpoints still run as writers fill the log.
    int persist = 1;
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // Reads map the file rather than copy it page by page into a cache
    // of our own: a report over a large cluster reads most of it once.
    ExecDdl("PRAGMA mmap_size = 268435456", &ignored);
    return ExecDdl("PRAGMA synchronous = NORMAL", err);
  }

  /// Creates a missing database file readable and writable by its group
  /// too, so that kickstart.cgi, running as the web server's user in the
  /// group of the state directory, records install events (SQLite gives its
  /// -wal and -shm files the same mode). A missing or read-only directory
  /// is named, rather than SQLite's "unable to open database file".
  bool CreateFile(std::string* err) {
    if (access(path_.c_str(), F_OK) == 0) return true;
    std::string dir = DirName(path_);
    if (access(dir.c_str(), W_OK | X_OK) != 0) {
      *err = ErrnoText(path_ + ": cannot create the database: " + dir);
      return false;
    }
    int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
    if (fd < 0) {
      if (errno == EEXIST) return true;
      *err = ErrnoText(path_);
      return false;
    }
    fchmod(fd, 0660);
    close(fd);
    created_ = true;
    return true;
  }

  void RemoveCreated() override {
    if (!created_) return;
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    for (const char* suffix : {"", "-wal", "-shm"}) unlink((path_ + suffix).c_str());
    created_ = false;
  }

  Engine engine() const override { return Engine::kSqlite; }
  const std::string& url() const override { return url_; }

  bool Exec(std::string_view sql, const std::vector<SqlParam>& params,
            std::string* err, int64_t* last_id, int64_t* affected) override {
    sqlite3_stmt* stmt = Prepare(sql, params, err);
    if (!stmt) return false;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return Fail(err);
    if (last_id) *last_id = sqlite3_last_insert_rowid(db_);
    if (affected) *affected = sqlite3_changes(db_);
    return true;
  }

  bool QueryEach(std::string_view sql, const std::vector<SqlParam>& params,
                 const std::function<void(const SqlCells&)>& each,
                 std::string* err) override {
    sqlite3_stmt* stmt = Prepare(sql, params, err);
    if (!stmt) return false;
    int ncol = sqlite3_column_count(stmt);
    SqlCells cells;
    cells.cells_.resize(static_cast<size_t>(ncol));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int i = 0; i < ncol; ++i) {
        auto& cell = cells.cells_[static_cast<size_t>(i)];
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
          cell.reset();
        } else {
          const unsigned char* text = sqlite3_column_text(stmt, i);
          int n = sqlite3_column_bytes(stmt, i);
          cell.emplace(reinterpret_cast<const char*>(text), static_cast<size_t>(n));
        }
      }
      each(cells);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return Fail(err);
    return true;
  }

  bool ExecDdl(std::string_view sql, std::string* err) override {
    std::string text(sql);
    char* msg = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      *err = path_ + ": " + (msg ? msg : "error");
      sqlite3_free(msg);
      return false;
    }
    return true;
  }

  bool HasTable(const std::string& name, bool* exists,
                std::string* err) override {
    std::vector<SqlRow> rows;
    if (!Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
               {SqlParam::Text(name)}, &rows, err))
      return false;
    *exists = !rows.empty();
    return true;
  }

  bool Begin(std::string* err) override {
    // In WAL mode SQLite keeps writing to a database file that was removed
    // or renamed under it; a writer must notice that and stop.
    int moved = 0;
    if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_HAS_MOVED, &moved) ==
            SQLITE_OK &&
        moved) {
      *err = path_ + ": database file was removed or replaced";
      return false;
    }
    return ExecDdl("BEGIN IMMEDIATE", err);
  }
  bool Commit(std::string* err) override { return ExecDdl("COMMIT", err); }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_))
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  bool Fail(std::string* err) {
    *err = path_ + ": " + sqlite3_errmsg(db_);
    return false;
  }

  sqlite3_stmt* Prepare(std::string_view sql, const std::vector<SqlParam>& params,
                        std::string* err) {
    std::string key(sql);
    sqlite3_stmt* stmt;
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      stmt = it->second;
      sqlite3_clear_bindings(stmt);
    } else {
      if (sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size()),
                             &stmt, nullptr) != SQLITE_OK) {
        Fail(err);
        return nullptr;
      }
      cache_.emplace(key, stmt);
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const SqlParam& p = params[i];
      int rc = SQLITE_OK;
      switch (p.kind) {
        case SqlParam::Kind::kNull: rc = sqlite3_bind_null(stmt, idx); break;
        case SqlParam::Kind::kInt: rc = sqlite3_bind_int64(stmt, idx, p.i); break;
        case SqlParam::Kind::kText:
          rc = sqlite3_bind_text(stmt, idx, p.s.data(),
                                 static_cast<int>(p.s.size()), SQLITE_TRANSIENT);
          break;
      }
      if (rc != SQLITE_OK) {
        Fail(err);
        return nullptr;
      }
    }
    return stmt;
  }

  std::string url_;
  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  bool created_ = false;  ///< Open created the file
};

}  // namespace

bool OpenSqlite(const std::string& url, const std::string& path,
                const DbOptions& options, std::unique_ptr<Database>* db,
                std::string* err) {
  auto sqlite = std::make_unique<SqliteDatabase>(url, path);
  if (!sqlite->Open(options, err)) return false;
  *db = std::move(sqlite);
  return true;
}

}  // namespace rocks
