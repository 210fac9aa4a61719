// `rocks run host`: one command on many hosts over ssh, a bounded number
// at a time, each with its own time limit; the outputs by host or
// collated (identical outputs together, as ClusterShell's clush -b shows
// them).
#ifndef ROCKS_LIB_RUN_HOST_H_
#define ROCKS_LIB_RUN_HOST_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "power.h"

namespace rocks {

struct RunHostOptions {
  SshSettings ssh;
  size_t fanout = 32;          ///< ssh sessions at once
  double timeout_seconds = 0;  ///< per host; 0 = no limit
};

/// What one host did.
struct HostRun {
  std::string host;
  int status = 0;
  std::string output;        ///< the command's stdout
  std::string error_output;  ///< its stderr (ssh's own messages excluded)
  /// Empty when the command exited 0, else why not: "exited with status
  /// 3", "no answer within 5 s", or ssh's own last line ("ssh: connect to
  /// host ... Connection refused").
  std::string failure;
};

/// Seconds ssh waits for a connection when there is no per-host limit.
constexpr double kDefaultConnectTimeout = 10;

/// The ssh command run for one host (the same settings as shoot-node).
std::vector<std::string> RunHostArgv(const std::string& host,
                                     const std::string& command,
                                     const RunHostOptions& options);

/// Runs `command` (a shell command line, run by the remote user's shell)
/// on every host, at most options.fanout at once, and calls `done` for
/// each host as it finishes. False only on a system error: a host that
/// fails is a HostRun with a failure.
bool RunOnHosts(const std::vector<std::string>& hosts, const std::string& command,
                const RunHostOptions& options,
                const std::function<void(HostRun&&)>& done, std::string* err);

/// `text` with "PREFIX: " before each line (a last line without a
/// newline gets one).
std::string PrefixLines(const std::string& prefix, const std::string& text);

/// The hosts grouped by identical output, each group under a header of
/// its folded host names and count, in the order of their first host:
///
///   ---------------
///   compute-0-[0-3] (4)
///   ---------------
///   OUTPUT
std::string CollateOutputs(const std::vector<HostRun>& runs);

}  // namespace rocks

#endif  // ROCKS_LIB_RUN_HOST_H_
