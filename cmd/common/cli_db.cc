// The parts of cli.h that touch the cluster database or listings, in their
// own object: a tool that never opens the database (kgen) then links none
// of it, and does not load the MySQL connector at start-up.
#include <unistd.h>

#include "cli.h"
#include "config.h"

namespace rocks::cli {

bool OpenDb(const std::string& db_option, Config* cfg,
            std::unique_ptr<Database>* db, bool create) {
  std::string err;
  if (!LoadConfig(db_option, cfg, &err)) {
    Fail(err);
    return false;
  }
  DbOptions options;
  options.create = create;
  if (!cfg->GetSeconds(rocks::kConfDbTimeout, 5.0, &options.lock_timeout_seconds, &err)) {
    Fail(err);
    return false;
  }
  if (!OpenDatabase(cfg->Database(), options, db, &err)) {
    Fail(err);
    return false;
  }
  return true;
}

bool ParseFormat(const std::string& value, OutputFormat* format) {
  if (value == "table") {
    *format = OutputFormat::kTable;
  } else if (value == "tsv") {
    *format = OutputFormat::kTsv;
  } else if (value == "json") {
    *format = OutputFormat::kJson;
  } else {
    Fail("--format=" + value + ": unknown format (expected table, tsv or json)");
    return false;
  }
  return true;
}

OutputFormat DefaultFormat() {
  return isatty(STDOUT_FILENO) ? OutputFormat::kTable : OutputFormat::kTsv;
}

}  // namespace rocks::cli
