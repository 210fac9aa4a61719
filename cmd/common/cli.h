// What every tool's main() shares: its name in messages, the one error
// path (`tool: context: reason` on stderr), --help/--version, and opening
// the cluster database from the resolved configuration.
#ifndef ROCKS_CMD_COMMON_CLI_H_
#define ROCKS_CMD_COMMON_CLI_H_

#include <initializer_list>
#include <memory>
#include <string>

#include "config.h"
#include "db.h"
#include "table.h"

namespace rocks::cli {

/// Sets the name used in messages and makes getopt's own complaints use it
/// too (it prints argv[0]).
void Init(const char* name, char** argv);
const char* Name();

/// The library names a value "KEY=VALUE: reason"; given as an option it
/// was --KEY=VALUE, and `options` are the keys that came as options.
std::string AsOption(const std::string& err, std::initializer_list<const char*> options);

/// Prints "tool: message" on stderr and returns 1, the failure status.
int Fail(const std::string& message);
/// Prints "tool: message" on stderr.
void Warn(const std::string& message);
/// The second line after getopt's complaint; returns 1.
int TryHelp();
/// Prints "tool (rocks) VERSION".
int PrintVersion();
/// Prints `text` (a usage text) on stdout; returns 0.
int PrintUsage(const char* text);

/// Flushes stdout and reports a write error (but not EPIPE) as a failure;
/// returns the exit status to use.
int Finish(int status);

/// Loads the configuration and opens the database it names, with the lock
/// timeout from `db_timeout`. A missing SQLite file is created only when
/// `create` is set (rocks init). Prints the error itself.
bool OpenDb(const std::string& db_option, Config* cfg,
            std::unique_ptr<Database>* db, bool create = false);

/// Parses a --format value; prints the error itself.
bool ParseFormat(const std::string& value, OutputFormat* format);
/// table on a terminal, tsv otherwise.
OutputFormat DefaultFormat();

}  // namespace rocks::cli

#endif  // ROCKS_CMD_COMMON_CLI_H_
