// Child processes: the one way the suite starts a program and collects
// what it says, on the model of ninja's Subprocess/SubprocessSet.
//
// A child gets its argv (no shell), stdin from /dev/null, its own process
// group (a timeout kills whatever it started too), the default signal mask,
// and no descriptor of ours but 0, 1 and 2: every descriptor we open is
// close-on-exec, and the child closes the rest before it runs. Output goes
// to an anonymous in-memory file rather than a pipe, so a daemon a reload
// command leaves behind holding its stdout never keeps us waiting; the end
// of a child is seen through its pidfd, so one poll() waits for many.
#ifndef ROCKS_LIB_PROCESS_H_
#define ROCKS_LIB_PROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace rocks {

/// Where a child's standard error goes.
enum class StderrMode {
  kMerge,    ///< into `output`, interleaved with stdout
  kCapture,  ///< into `error_output`
  kInherit,  ///< our own stderr
};

/// What to run.
struct ProcessSpec {
  ProcessSpec() = default;
  ProcessSpec(std::vector<std::string> args) : argv(std::move(args)) {}

  std::vector<std::string> argv;  ///< argv[0] is looked up in PATH
  /// KEY=VALUE words set in the child's environment (over ours, or the
  /// whole of it with `clear_env`).
  std::vector<std::string> env;
  bool clear_env = false;
  /// Seconds before the child's process group is killed; 0 = no limit.
  double timeout_seconds = 0;
  StderrMode stderr_mode = StderrMode::kMerge;
};

/// How a child ended.
struct ProcessResult {
  int status = 0;          ///< exit status; 128+N when killed by signal N
  bool timed_out = false;  ///< killed at its timeout (status is then 137)
  std::string output;      ///< stdout (and stderr with kMerge)
  std::string error_output;  ///< stderr with kCapture
};

/// Runs one child to its end. False only when it cannot be started
/// ("PROGRAM: No such file or directory").
bool RunProcess(const ProcessSpec& spec, ProcessResult* result, std::string* err);

/// Many children at once. Start() them, then Wait() until each has ended;
/// the caller decides how many run together.
class ProcessSet {
 public:
  ProcessSet() = default;
  ProcessSet(const ProcessSet&) = delete;
  ProcessSet& operator=(const ProcessSet&) = delete;
  /// Kills (process group, SIGKILL) and reaps the children still running.
  ~ProcessSet();

  /// Starts a child; `tag` is the caller's name for it, returned by Wait().
  /// False when it cannot be started.
  bool Start(const ProcessSpec& spec, size_t tag, std::string* err);

  /// Children still running.
  size_t Running() const { return children_.size(); }

  /// Blocks until at least one child has ended (or been killed at its
  /// timeout) and appends each ended child's tag and result to `done`.
  /// False on a system error (poll); with nothing running it returns at once.
  bool Wait(std::vector<std::pair<size_t, ProcessResult>>* done, std::string* err);

 private:
  struct Child {
    size_t tag = 0;
    pid_t pid = -1;
    int pidfd = -1;
    int out_fd = -1;
    int err_fd = -1;
    double deadline = 0;  ///< steady clock seconds; 0 = none
    bool timed_out = false;
  };
  void Finish(Child* child, ProcessResult* result);
  std::vector<Child> children_;
};

}  // namespace rocks

#endif  // ROCKS_LIB_PROCESS_H_
