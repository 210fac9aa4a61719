#include "schema.h"

#include <climits>
#include <vector>

#include "strutil.h"

namespace rocks {
namespace {

// The schema is written once; @ID@ and @TABLE@ become each engine's way of
// saying "auto-numbered key" and "transactional table".
const char* const kSchemaV1[] = {
    "CREATE TABLE schema_info (version INTEGER NOT NULL) @TABLE@",
    "CREATE TABLE appliances ("
    " id @ID@,"
    " name VARCHAR(64) NOT NULL UNIQUE,"
    " short_name VARCHAR(16) NOT NULL,"
    " graph VARCHAR(64) NOT NULL,"
    " node VARCHAR(64) NOT NULL,"
    " public INTEGER NOT NULL,"
    " compute INTEGER NOT NULL) @TABLE@",
    "CREATE TABLE subnets ("
    " id @ID@,"
    " name VARCHAR(64) NOT NULL UNIQUE,"
    " network VARCHAR(15) NOT NULL,"
    " prefix INTEGER NOT NULL,"
    " zone VARCHAR(255) NOT NULL,"
    " mtu INTEGER NOT NULL) @TABLE@",
    "CREATE TABLE hosts ("
    " id @ID@,"
    " name VARCHAR(255) NOT NULL UNIQUE,"
    " appliance INTEGER NOT NULL REFERENCES appliances (id),"
    " rack INTEGER NOT NULL,"
    " `rank` INTEGER NOT NULL,"
    " cpus INTEGER NOT NULL,"
    " arch VARCHAR(32) NOT NULL,"
    " os VARCHAR(32) NOT NULL,"
    " comment VARCHAR(255) NOT NULL,"
    " boot_action VARCHAR(16) NOT NULL) @TABLE@",
    "CREATE TABLE interfaces ("
    " id @ID@,"
    " host INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,"
    " device VARCHAR(32) NOT NULL,"
    " mac VARCHAR(17) UNIQUE,"
    " ip VARCHAR(15) UNIQUE,"
    " subnet INTEGER REFERENCES subnets (id),"
    " module VARCHAR(64),"
    " name VARCHAR(255),"
    " UNIQUE (host, device)) @TABLE@",
    "CREATE TABLE aliases ("
    " id @ID@,"
    " host INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,"
    " name VARCHAR(255) NOT NULL UNIQUE) @TABLE@",
    "CREATE TABLE attributes ("
    " id @ID@,"
    " scope VARCHAR(16) NOT NULL,"
    " owner INTEGER NOT NULL,"
    " name VARCHAR(128) NOT NULL,"
    " value TEXT NOT NULL,"
    " UNIQUE (scope, owner, name)) @TABLE@",
    "CREATE TABLE install_events ("
    " id @ID@,"
    " host INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,"
    " time BIGINT NOT NULL,"
    " state VARCHAR(32) NOT NULL,"
    " detail TEXT NOT NULL) @TABLE@",
    "CREATE INDEX install_events_host ON install_events (host)",
    "CREATE INDEX hosts_appliance ON hosts (appliance, rack, `rank`)",
};

// Migrations[i] takes a version i+1 schema to version i+2; a new version
// appends its statements here and raises kSchemaVersion.
const std::vector<std::vector<const char*>> kMigrations = {
    // 2: the rolls added to the cluster and whether rocks-dist uses them.
    {"CREATE TABLE rolls ("
     " id @ID@,"
     " name VARCHAR(64) NOT NULL,"
     " version VARCHAR(64) NOT NULL,"
     " `release` VARCHAR(64) NOT NULL,"
     " arch VARCHAR(64) NOT NULL,"
     " os VARCHAR(64) NOT NULL,"
     " path VARCHAR(1024) NOT NULL,"
     " in_store INTEGER NOT NULL,"
     " enabled INTEGER NOT NULL,"
     " UNIQUE (name, version)) @TABLE@"},
    // 3: networks as a real cluster has them (DHCP, PXE and DNS flags, a
    // gateway), VLAN and bond interfaces, what the installer found on a
    // host (memory), and static routes and firewall rules at every scope.
    {"ALTER TABLE subnets ADD COLUMN dhcp INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE subnets ADD COLUMN pxe INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE subnets ADD COLUMN dns INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE subnets ADD COLUMN gateway VARCHAR(15)",
     "UPDATE subnets SET dhcp = 1, pxe = 1, dns = 1 WHERE name = 'private'",
     "ALTER TABLE interfaces ADD COLUMN vlan INTEGER",
     "ALTER TABLE interfaces ADD COLUMN parent VARCHAR(32)",
     "ALTER TABLE interfaces ADD COLUMN options VARCHAR(255)",
     "ALTER TABLE hosts ADD COLUMN memory BIGINT NOT NULL DEFAULT 0",
     "CREATE TABLE routes ("
     " id @ID@,"
     " scope VARCHAR(16) NOT NULL,"
     " owner INTEGER NOT NULL,"
     " network VARCHAR(15) NOT NULL,"
     " prefix INTEGER NOT NULL,"
     " gateway VARCHAR(15),"
     " subnet INTEGER REFERENCES subnets (id),"
     " UNIQUE (scope, owner, network, prefix)) @TABLE@",
     "CREATE TABLE firewall_rules ("
     " id @ID@,"
     " scope VARCHAR(16) NOT NULL,"
     " owner INTEGER NOT NULL,"
     " name VARCHAR(64) NOT NULL,"
     " subnet INTEGER REFERENCES subnets (id),"
     " service VARCHAR(64),"
     " port VARCHAR(16),"
     " protocol VARCHAR(8),"
     " action VARCHAR(16) NOT NULL,"
     " UNIQUE (scope, owner, name)) @TABLE@"},
    // 4: virtual nodes: each VM's slice of its container, and the
    // vm-container appliance in clusters made before it (a new cluster
    // gets it from InitCluster: the frontend appliance is not there yet).
    {"CREATE TABLE vm_slices ("
     " id @ID@,"
     " host INTEGER NOT NULL UNIQUE REFERENCES hosts (id) ON DELETE CASCADE,"
     " container INTEGER NOT NULL REFERENCES hosts (id),"
     " slice INTEGER NOT NULL,"
     " mem INTEGER NOT NULL,"
     " cpus INTEGER NOT NULL,"
     " disk INTEGER NOT NULL,"
     " UNIQUE (container, slice)) @TABLE@",
     "INSERT INTO appliances (name, short_name, graph, node, public, compute) "
     "SELECT 'vm-container', 'vmc', 'default', 'vm-container', 1, 0 FROM appliances "
     "WHERE name = 'frontend'"},
};

std::string ForEngine(Engine engine, std::string sql) {
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t p; (p = sql.find(from)) != std::string::npos;)
      sql.replace(p, from.size(), to);
  };
  if (engine == Engine::kSqlite) {
    replace("@ID@", "INTEGER PRIMARY KEY");
    replace(" @TABLE@", "");
  } else {
    replace("@ID@", "INTEGER PRIMARY KEY AUTO_INCREMENT");
    // Binary collation: names compare exactly, as they do in SQLite.
    replace("@TABLE@", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }
  return sql;
}

}  // namespace

bool ReadSchemaVersion(Database* db, int* version, std::string* err) {
  bool exists = false;
  if (!db->HasTable("schema_info", &exists, err)) return false;
  if (!exists) {
    *version = 0;
    return true;
  }
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT version FROM schema_info", {}, &rows, err)) return false;
  int64_t v = 0;
  // A version below 1 or past any int is damage too: it would index
  // kMigrations out of range.
  if (rows.size() != 1 || !rows[0][0] || !ParseInt(*rows[0][0], &v) || v < 1 ||
      v > INT_MAX) {
    *err = db->url() + ": damaged schema_info table";
    return false;
  }
  *version = static_cast<int>(v);
  return true;
}

/// The table a CREATE TABLE statement creates, or "".
std::string CreatedTable(const std::string& sql) {
  const std::string prefix = "CREATE TABLE ";
  if (!StartsWith(sql, prefix)) return "";
  return sql.substr(prefix.size(), sql.find(' ', prefix.size()) - prefix.size());
}

bool CreateSchema(Database* db, std::string* err) {
  // MySQL commits each CREATE TABLE at once, so a failure part-way (a
  // table of that name already there) must undo by hand what this call
  // created, and only that.
  std::vector<std::string> created;
  auto undo = [&] {
    std::string ignored;
    for (auto it = created.rbegin(); it != created.rend(); ++it)
      db->ExecDdl("DROP TABLE " + *it, &ignored);
    return false;
  };
  for (const char* sql : kSchemaV1) {
    if (!db->ExecDdl(ForEngine(db->engine(), sql), err)) return undo();
    std::string table = CreatedTable(sql);
    if (!table.empty()) created.push_back(table);
  }
  for (const auto& step : kMigrations) {
    for (const char* sql : step) {
      if (!db->ExecDdl(ForEngine(db->engine(), sql), err)) return undo();
      std::string table = CreatedTable(sql);
      if (!table.empty()) created.push_back(table);
    }
  }
  if (!db->Exec("INSERT INTO schema_info (version) VALUES (?)",
                {SqlParam::Int(kSchemaVersion)}, err))
    return undo();
  return true;
}

void DropSchema(Database* db) {
  std::vector<std::string> tables;
  for (const char* sql : kSchemaV1) {
    std::string table = CreatedTable(sql);
    if (!table.empty()) tables.push_back(table);
  }
  for (const auto& step : kMigrations) {
    for (const char* sql : step) {
      std::string table = CreatedTable(sql);
      if (!table.empty()) tables.push_back(table);
    }
  }
  std::string ignored;
  for (auto it = tables.rbegin(); it != tables.rend(); ++it)
    db->ExecDdl("DROP TABLE IF EXISTS " + *it, &ignored);
}

bool MigrateSchema(Database* db, std::string* err) {
  int version;
  if (!ReadSchemaVersion(db, &version, err)) return false;
  if (version == kSchemaVersion) return true;
  if (version == 0) {
    *err = db->url() + ": no cluster database here (run 'rocks init')";
    return false;
  }
  if (version > kSchemaVersion) {
    *err = db->url() + ": schema version " + std::to_string(version) +
           " is newer than this build understands (" +
           std::to_string(kSchemaVersion) + ")";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  // Read again under the write lock: another tool may have migrated it.
  if (!ReadSchemaVersion(db, &version, err)) return false;
  for (; version < kSchemaVersion; ++version) {
    for (const char* sql : kMigrations[static_cast<size_t>(version - 1)])
      if (!db->ExecDdl(ForEngine(db->engine(), sql), err)) return false;
  }
  if (!db->Exec("UPDATE schema_info SET version = ?",
                {SqlParam::Int(kSchemaVersion)}, err))
    return false;
  return tx.Commit(err);
}

}  // namespace rocks
