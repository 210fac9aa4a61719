#include "run_host.h"

#include <cstdio>
#include <map>

#include "hostsel.h"
#include "process.h"
#include "strutil.h"

namespace rocks {
namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

std::string LastLine(const std::string& text) {
  std::vector<std::string> lines = Split(text, '\n');
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    std::string t = Trim(*it);
    if (!t.empty()) return t;
  }
  return "";
}

HostRun Judge(const std::string& host, ProcessResult&& r, const RunHostOptions& options) {
  HostRun run;
  run.host = host;
  run.status = r.status;
  run.output = std::move(r.output);
  if (r.timed_out) {
    run.failure = "no answer within " + Seconds(options.timeout_seconds) + " s";
    run.error_output = std::move(r.error_output);
  } else if (r.status == 255) {
    // ssh's own failure: its last line says why, and is all it said.
    std::string last = LastLine(r.error_output);
    run.failure = last.empty() ? "ssh failed (exit status 255)" : last;
  } else {
    run.error_output = std::move(r.error_output);
    if (r.status != 0) run.failure = "exited with status " + std::to_string(r.status);
  }
  return run;
}

}  // namespace

std::vector<std::string> RunHostArgv(const std::string& host,
                                     const std::string& command,
                                     const RunHostOptions& options) {
  double connect = options.timeout_seconds > 0 ? options.timeout_seconds
                                               : kDefaultConnectTimeout;
  return SshArgv(host, command, options.ssh, connect);
}

bool RunOnHosts(const std::vector<std::string>& hosts, const std::string& command,
                const RunHostOptions& options,
                const std::function<void(HostRun&&)>& done, std::string* err) {
  ProcessSet set;
  size_t fanout = options.fanout == 0 ? 1 : options.fanout;
  size_t next = 0;
  std::vector<std::pair<size_t, ProcessResult>> ended;
  while (next < hosts.size() || set.Running() > 0) {
    while (next < hosts.size() && set.Running() < fanout) {
      ProcessSpec spec(RunHostArgv(hosts[next], command, options));
      spec.timeout_seconds = options.timeout_seconds;
      spec.stderr_mode = StderrMode::kCapture;
      std::string why;
      if (!set.Start(spec, next, &why)) {
        HostRun run;
        run.host = hosts[next];
        run.status = 127;
        run.failure = why;
        done(std::move(run));
      }
      ++next;
    }
    ended.clear();
    if (!set.Wait(&ended, err)) return false;
    for (auto& [i, r] : ended) done(Judge(hosts[i], std::move(r), options));
  }
  return true;
}

std::string PrefixLines(const std::string& prefix, const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string::npos ? text.size() : nl;
    out += prefix + ": ";
    out.append(text, start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string CollateOutputs(const std::vector<HostRun>& runs) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> hosts;
  for (const HostRun& r : runs) {
    auto [it, fresh] = hosts.try_emplace(r.output);
    if (fresh) order.push_back(r.output);
    it->second.push_back(r.host);
  }
  std::string out;
  const char kRule[] = "---------------\n";
  for (const std::string& text : order) {
    const std::vector<std::string>& names = hosts[text];
    out += kRule;
    out += FoldHostNames(names) + " (" + std::to_string(names.size()) + ")\n";
    out += kRule;
    out += text;
    if (!text.empty() && text.back() != '\n') out += '\n';
  }
  return out;
}

}  // namespace rocks
