#include "cli.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "build-config.h"
#include "config.h"

namespace rocks::cli {
namespace {
const char* g_name = "rocks";
}

void Init(const char* name, char** argv) {
  g_name = name;
  argv[0] = const_cast<char*>(name);
}

const char* Name() { return g_name; }

void Warn(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s: %s\n", g_name, message.c_str());
}

int Fail(const std::string& message) {
  Warn(message);
  return 1;
}

int TryHelp() {
  std::fprintf(stderr, "Try '%s --help' for more information.\n", g_name);
  return 1;
}

int PrintVersion() {
  std::printf("%s (rocks) %s\n", g_name, PACKAGE_VERSION);
  return 0;
}

int PrintUsage(const char* text) {
  std::fputs(text, stdout);
  return 0;
}

int Finish(int status) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (errno == EPIPE) return status;
    Warn(std::string("write error: ") + std::strerror(errno));
    return 1;
  }
  return status;
}

bool OpenDb(const std::string& db_option, Config* cfg,
            std::unique_ptr<Database>* db) {
  std::string err;
  if (!LoadConfig(db_option, cfg, &err)) {
    Fail(err);
    return false;
  }
  DbOptions options;
  if (!cfg->GetSeconds("db_timeout", 5.0, &options.lock_timeout_seconds, &err)) {
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
