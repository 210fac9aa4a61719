#include "distconf.h"

#include "config.h"

#include "file.h"
#include "strutil.h"

#ifndef ROCKS_SYSCONFDIR
#define ROCKS_SYSCONFDIR "/etc"
#endif

namespace rocks {

const char* SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kOs: return "os";
    case SourceKind::kUpdates: return "updates";
    case SourceKind::kRoll: return "roll";
    case SourceKind::kContrib: return "contrib";
    case SourceKind::kLocal: return "local";
    case SourceKind::kForce: return "force";
  }
  return "?";
}

std::string DefaultDistConfigPath() {
  return ROCKS_SYSCONFDIR "/rocks/rocks-dist.conf";
}

bool ParseCount(const std::string& what, const std::string& value, int* out,
                std::string* err) {
  int64_t v = 0;
  if (!ParseNumber(what + "=" + value, value, 0, 1024, &v, err)) return false;
  *out = static_cast<int>(v);
  return true;
}

static bool ParseBool(const std::string& value, bool* out) {
  std::string v = ToLower(value);
  if (v == "yes" || v == "true" || v == "on" || v == "1") {
    *out = true;
  } else if (v == "no" || v == "false" || v == "off" || v == "0") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

bool ParseDistConfig(const std::string& text, const std::string& source,
                     DistConfig* cfg, std::string* err) {
  static const std::vector<std::string> kKeys = {
      "root",    "os",       "updates",     "roll",        "contrib",
      "local",   "profile",  "site_profile", "copy",       "jobs",
      "mirror_root", "mirror_jobs", "retries", "label"};
  std::vector<ConfigLine> lines;
  if (!ScanConfigLines(text, source, &lines, err)) return false;
  for (const ConfigLine& line : lines) {
    const std::string& key = line.key;
    const std::string& value = line.value;
    const std::string& where = line.where;
    if (value.empty()) {
      *err = where + ": " + key + ": empty value";
      return false;
    }
    if (key == "root") {
      cfg->root = value;
    } else if (key == "os") {
      cfg->sources.push_back({SourceKind::kOs, value});
    } else if (key == "updates") {
      cfg->sources.push_back({SourceKind::kUpdates, value});
    } else if (key == "roll") {
      cfg->sources.push_back({SourceKind::kRoll, value});
    } else if (key == "contrib") {
      cfg->sources.push_back({SourceKind::kContrib, value});
    } else if (key == "local") {
      cfg->sources.push_back({SourceKind::kLocal, value});
    } else if (key == "profile") {
      cfg->profiles.push_back(value);
    } else if (key == "site_profile") {
      cfg->site_profiles.push_back(value);
    } else if (key == "copy") {
      if (!ParseBool(value, &cfg->copy)) {
        *err = where + ": copy = " + value + ": expected yes or no";
        return false;
      }
    } else if (key == "jobs" || key == "mirror_jobs" || key == "retries") {
      int* out = key == "jobs" ? &cfg->jobs
                 : key == "mirror_jobs" ? &cfg->mirror_jobs : &cfg->retries;
      if (!ParseCount(where + ": " + key, value, out, err)) return false;
    } else if (key == "mirror_root") {
      cfg->mirror_root = value;
    } else if (key == "label") {
      cfg->label = value;
    } else {
      *err = UnknownName(where, "key '" + key + "'", key, kKeys);
      return false;
    }
  }
  return true;
}

bool LoadDistConfig(const std::string& path, DistConfig* cfg, std::string* err) {
  std::string text;
  if (!ReadFile(path, &text, err)) return false;
  return ParseDistConfig(text, path, cfg, err);
}

}  // namespace rocks
