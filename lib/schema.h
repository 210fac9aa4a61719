// The versioned schema of the cluster database, and its migrations.
#ifndef ROCKS_LIB_SCHEMA_H_
#define ROCKS_LIB_SCHEMA_H_

#include <string>

#include "db.h"

namespace rocks {

/// The version this build writes. Each step from N-1 to N is a migration
/// in schema.cc.
constexpr int kSchemaVersion = 4;

/// 0 when the database has no schema yet.
bool ReadSchemaVersion(Database* db, int* version, std::string* err);

/// Creates the whole current schema. On SQLite call it inside a
/// transaction; on MySQL, whose DDL commits at once, a failure drops again
/// the tables this call created.
bool CreateSchema(Database* db, std::string* err);

/// Drops every table of the schema (MySQL: undoing a failed init).
void DropSchema(Database* db);

/// Brings an existing schema up to kSchemaVersion (one transaction); fails
/// if the database is empty ("not initialised: run 'rocks init'") or newer
/// than this build.
bool MigrateSchema(Database* db, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_SCHEMA_H_
