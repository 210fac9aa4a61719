// The cluster database: one interface over SQLite and MySQL/MariaDB.
//
// Every statement that carries data is a prepared statement with `?`
// placeholders; both engines accept the same SQL for everything the tools
// do, so only the schema text differs between them (see schema.cc).
#ifndef ROCKS_LIB_DB_H_
#define ROCKS_LIB_DB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rocks {

enum class Engine { kSqlite, kMysql };

/// One bound parameter.
struct SqlParam {
  enum class Kind { kNull, kInt, kText } kind = Kind::kNull;
  int64_t i = 0;
  std::string s;

  static SqlParam Null() { return {}; }
  static SqlParam Int(int64_t v) { return {Kind::kInt, v, {}}; }
  static SqlParam Text(std::string v) { return {Kind::kText, 0, std::move(v)}; }
  /// Text, or NULL when `v` is empty.
  static SqlParam TextOrNull(const std::string& v) {
    return v.empty() ? Null() : Text(v);
  }
};

/// One result row; NULL columns are empty optionals.
using SqlRow = std::vector<std::optional<std::string>>;

/// A cell as text ("" for NULL) and as a number (0 for NULL or not one).
std::string CellText(const std::optional<std::string>& cell);
int64_t CellInt(const std::optional<std::string>& cell);

/// One row of a streamed query (Database::QueryEach). Its text points into
/// the engine's buffers and is good only during the call that gets it.
class SqlCells {
 public:
  size_t size() const { return cells_.size(); }
  bool null(size_t i) const { return !cells_[i]; }
  /// The cell's text, "" for NULL.
  std::string_view text(size_t i) const { return cells_[i].value_or(std::string_view()); }
  /// The cell as a number, 0 for NULL or not one.
  int64_t Int(size_t i) const;
  /// The cell as SqlRow holds it.
  std::optional<std::string> cell(size_t i) const {
    if (!cells_[i]) return std::nullopt;
    return std::string(*cells_[i]);
  }

  /// For the engines: one row's cells, NULL as an empty optional.
  std::vector<std::optional<std::string_view>> cells_;
};

struct DbOptions {
  /// How long a writer waits for another writer's lock before failing.
  double lock_timeout_seconds = 5.0;
  /// SQLite: create a missing database file. Without it a missing file is
  /// "no cluster database here", and nothing is created (a mistyped path
  /// leaves no file, -wal or -shm behind).
  bool create = true;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual Engine engine() const = 0;
  /// The URL the database was opened with, for messages: without its
  /// password (RedactDbUrl).
  virtual const std::string& url() const = 0;

  /// Runs one prepared statement that returns no rows. `last_id` gets the
  /// new row's id after an INSERT; `affected` the number of rows changed.
  virtual bool Exec(std::string_view sql, const std::vector<SqlParam>& params,
                    std::string* err, int64_t* last_id = nullptr,
                    int64_t* affected = nullptr) = 0;

  /// Runs one prepared query and hands each row to `each` as it comes,
  /// without keeping it: for a report over every interface of a large
  /// cluster, which builds its own rows.
  virtual bool QueryEach(std::string_view sql, const std::vector<SqlParam>& params,
                         const std::function<void(const SqlCells&)>& each,
                         std::string* err) = 0;

  /// Runs one prepared query and appends its rows to `rows`.
  bool Query(std::string_view sql, const std::vector<SqlParam>& params,
             std::vector<SqlRow>* rows, std::string* err);

  /// Runs schema text (DDL) that takes no parameters.
  virtual bool ExecDdl(std::string_view sql, std::string* err) = 0;

  /// Whether the table exists in this database.
  virtual bool HasTable(const std::string& name, bool* exists,
                        std::string* err) = 0;

  /// Starts a write transaction: it takes the write lock at once, so a
  /// second writer waits up to the lock timeout and then fails cleanly.
  virtual bool Begin(std::string* err) = 0;
  virtual bool Commit(std::string* err) = 0;
  virtual void Rollback() = 0;

  /// For a `rocks init` that failed: closes the connection and removes
  /// the database file it created, with its -wal and -shm, so that no
  /// empty database is left behind. Nothing when the file was there
  /// before, and nothing on MySQL (init drops its own tables there). The
  /// database cannot be used afterwards.
  virtual void RemoveCreated() {}
};

/// Opens `url`: `sqlite:PATH`, `mysql://USER[:PASS]@HOST[:PORT]/DB` or
/// `mysql:///DB?socket=PATH[&user=U&password=P]`. Errors read
/// "URL: reason".
bool OpenDatabase(const std::string& url, const DbOptions& options,
                  std::unique_ptr<Database>* db, std::string* err);

/// `url` without its credentials, for messages: a URL other than sqlite:
/// loses the password of `//USER:PASSWORD@` (all of the user part up to
/// the last '@' before any '?', so that a password holding '/' or '@' goes
/// too) and its `password=` parameter. A sqlite: URL is a file name and is
/// returned as it is.
std::string RedactDbUrl(const std::string& url);

/// A write transaction that rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Database* db) : db_(db) {}
  ~Transaction() {
    if (open_) db_->Rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  bool Begin(std::string* err) {
    open_ = db_->Begin(err);
    return open_;
  }
  /// Commits; a COMMIT that fails is rolled back, so that the connection
  /// is out of the transaction and the next Begin works.
  bool Commit(std::string* err) {
    if (!open_) return db_->Commit(err);
    open_ = false;
    if (db_->Commit(err)) return true;
    db_->Rollback();
    return false;
  }

 private:
  Database* db_;
  bool open_ = false;
};

/// Engine constructors, used by OpenDatabase.
bool OpenSqlite(const std::string& url, const std::string& path,
                const DbOptions& options, std::unique_ptr<Database>* db,
                std::string* err);
bool OpenMysql(const std::string& url, const DbOptions& options,
               std::unique_ptr<Database>* db, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_DB_H_
