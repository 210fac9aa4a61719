#include "syncconf.h"

#include <map>

#include "config.h"
#include "report.h"
#include "strutil.h"

namespace rocks {

std::string SyncConfPath(const Config& cfg) {
  return cfg.Get(kConfSyncConf);
}

std::string ExpandZone(const std::string& s, const std::string& zone) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == 'z') {
      out += zone;
      ++i;
    } else if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == '%') {
      out += "%%";
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool ExpandValidate(const std::string& command, const std::string& file,
                    std::string* out, std::string* err) {
  std::string result;
  for (size_t i = 0; i < command.size(); ++i) {
    if (command[i] != '%') {
      result += command[i];
      continue;
    }
    if (i + 1 < command.size() && command[i + 1] == 'f') {
      result += ShellQuote(file);
    } else if (i + 1 < command.size() && command[i + 1] == '%') {
      result += '%';
    } else {
      *err = "'" + command + "': unknown escape '" + command.substr(i, 2) +
             "' (expected %f or %%)";
      return false;
    }
    ++i;
  }
  *out = std::move(result);
  return true;
}

bool ParseSyncConf(const std::string& text, const std::string& source,
                   std::vector<SyncEntry>* out, std::string* err) {
  std::vector<std::string> lines = Split(text, '\n');
  std::map<std::string, std::string> outputs;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string line = Trim(lines[n]);
    if (line.empty() || line[0] == '#') continue;
    std::string where = source + ":" + std::to_string(n + 1);
    // RELOAD takes the rest of the line, so it may hold a pipe or '||'.
    std::vector<std::string> fields;
    size_t start = 0;
    while (fields.size() < 3) {
      size_t bar = line.find('|', start);
      if (bar == std::string::npos) break;
      fields.push_back(Trim(line.substr(start, bar - start)));
      start = bar + 1;
    }
    fields.push_back(Trim(line.substr(start)));
    if (fields.size() < 2) {
      *err = where + ": expected 'REPORT | OUTPUT | VALIDATE | RELOAD'";
      return false;
    }
    fields.resize(4);
    SyncEntry e;
    e.where = where;
    std::vector<std::string> words = SplitBlanks(fields[0]);
    if (words.empty()) {
      *err = where + ": missing report";
      return false;
    }
    e.report = words[0];
    e.args.assign(words.begin() + 1, words.end());
    const ReportInfo* info = FindReport(e.report);
    e.writes_dir = info && info->WritesDir();
    std::vector<std::string> args = e.args;
    // A directory report's DIR is OUTPUT.
    if (e.writes_dir) args.push_back(fields[1]);
    if (!CheckReport(e.report, args, err)) {
      *err = where + ": " + *err;
      return false;
    }
    e.output = fields[1];
    e.validate = fields[2];
    e.reload = fields[3];
    e.each_zone = info->OfZone() && e.args.size() == 1 && e.args[0] == "*";
    if (e.each_zone && e.output.find("%z") == std::string::npos) {
      *err = where + ": " + e.report + " *: OUTPUT must name each zone's file with %z";
      return false;
    }
    if (e.output.empty()) {
      *err = where + ": missing OUTPUT";
      return false;
    }
    if (e.output[0] != '/') {
      *err = where + ": " + e.output + ": OUTPUT must be an absolute path";
      return false;
    }
    if (e.writes_dir && !e.validate.empty()) {
      *err = where + ": " + e.report + " writes a directory: VALIDATE must be empty";
      return false;
    }
    std::string ignored;
    if (!ExpandValidate(e.each_zone ? ExpandZone(e.validate, "zone") : e.validate, "",
                        &ignored, err)) {
      *err = where + ": " + *err;
      return false;
    }
    // `dns *` and `dns-reverse *` may share a pattern: forward and
    // reverse zone names never meet.
    auto [it, fresh] = outputs.emplace(e.each_zone ? e.output + "\n" + e.report : e.output,
                                       where);
    if (!fresh) {
      *err = where + ": " + e.output + ": already written by " + it->second;
      return false;
    }
    out->push_back(std::move(e));
  }
  return true;
}

}  // namespace rocks
