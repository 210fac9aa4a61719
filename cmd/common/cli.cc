#include "cli.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "build-config.h"
#include "strutil.h"

namespace rocks::cli {
namespace {
const char* g_name = "rocks";
}

void Init(const char* name, char** argv) {
  g_name = name;
  argv[0] = const_cast<char*>(name);
}

const char* Name() { return g_name; }

std::string AsOption(const std::string& err, std::initializer_list<const char*> options) {
  for (const char* key : options) {
    std::string k = std::string(key) + "=";
    if (err.compare(0, k.size(), k) == 0) return "--" + err;
  }
  return err;
}

// Every error is one line: a newline or other control character that a
// file name or a library message carries is escaped, as EscapeControl does.
// Backslashes are left alone, so that ordinary messages read as before.
static std::string OneLine(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      out += EscapeControl(std::string_view(&c, 1));
    else
      out += c;
  }
  return out;
}

void Warn(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s: %s\n", g_name, OneLine(message).c_str());
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
    Warn(ErrnoText("write error"));
    return 1;
  }
  return status;
}

}  // namespace rocks::cli
