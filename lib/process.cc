#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <set>

#include "strutil.h"

extern char** environ;

namespace rocks {
namespace {

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The whole of an output file, from its start.
std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  off_t offset = 0;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    offset += n;
  }
  return out;
}

std::vector<std::string> Environment(const ProcessSpec& spec) {
  std::vector<std::string> env;
  if (!spec.clear_env) {
    std::set<std::string> overridden;
    for (const std::string& kv : spec.env) overridden.insert(kv.substr(0, kv.find('=')));
    for (char** e = environ; e && *e; ++e) {
      std::string kv = *e;
      if (!overridden.count(kv.substr(0, kv.find('=')))) env.push_back(std::move(kv));
    }
  }
  env.insert(env.end(), spec.env.begin(), spec.env.end());
  return env;
}

int OutputFile(std::string* err) {
  int fd = memfd_create("rocks-child-output", MFD_CLOEXEC);
  if (fd < 0) *err = ErrnoText("memfd_create");
  return fd;
}

// Starts the child with its output in `out_fd` (and `err_fd` when >= 0).
bool Spawn(const ProcessSpec& spec, int out_fd, int err_fd, pid_t* pid,
           std::string* err) {
  if (spec.argv.empty()) {
    *err = "no command";
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  if (spec.stderr_mode == StderrMode::kMerge)
    posix_spawn_file_actions_adddup2(&actions, out_fd, 2);
  else if (spec.stderr_mode == StderrMode::kCapture)
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  // Whatever a library opened without O_CLOEXEC stays ours too.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  // An ignored SIGPIPE would be inherited across exec.
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  std::vector<std::string> env = Environment(spec);
  std::vector<char*> args, envp;
  for (const std::string& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  int rc = posix_spawnp(pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    *err = ErrnoText(spec.argv[0], rc);
    return false;
  }
  return true;
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 0;
}

}  // namespace

bool RunProcess(const ProcessSpec& spec, ProcessResult* result, std::string* err) {
  ProcessSet set;
  if (!set.Start(spec, 0, err)) return false;
  std::vector<std::pair<size_t, ProcessResult>> done;
  while (done.empty()) {
    if (!set.Wait(&done, err)) return false;
  }
  *result = std::move(done.front().second);
  return true;
}

ProcessSet::~ProcessSet() {
  for (Child& c : children_) {
    kill(-c.pid, SIGKILL);
    Reap(c.pid);
    close(c.pidfd);
    close(c.out_fd);
    if (c.err_fd >= 0) close(c.err_fd);
  }
}

bool ProcessSet::Start(const ProcessSpec& spec, size_t tag, std::string* err) {
  Child c;
  c.tag = tag;
  c.out_fd = OutputFile(err);
  if (c.out_fd < 0) return false;
  if (spec.stderr_mode == StderrMode::kCapture) {
    c.err_fd = OutputFile(err);
    if (c.err_fd < 0) {
      close(c.out_fd);
      return false;
    }
  }
  auto discard = [&c] {
    close(c.out_fd);
    if (c.err_fd >= 0) close(c.err_fd);
  };
  if (!Spawn(spec, c.out_fd, c.err_fd, &c.pid, err)) {
    discard();
    return false;
  }
  c.pidfd = static_cast<int>(syscall(SYS_pidfd_open, c.pid, 0));
  if (c.pidfd < 0) {
    *err = ErrnoText(spec.argv[0] + ": pidfd_open");
    kill(-c.pid, SIGKILL);
    Reap(c.pid);
    discard();
    return false;
  }
  if (spec.timeout_seconds > 0) c.deadline = Now() + spec.timeout_seconds;
  children_.push_back(c);
  return true;
}

void ProcessSet::Finish(Child* c, ProcessResult* result) {
  *result = ProcessResult();
  result->status = Reap(c->pid);
  result->timed_out = c->timed_out;
  result->output = ReadAll(c->out_fd);
  if (c->err_fd >= 0) result->error_output = ReadAll(c->err_fd);
  close(c->pidfd);
  close(c->out_fd);
  if (c->err_fd >= 0) close(c->err_fd);
}

bool ProcessSet::Wait(std::vector<std::pair<size_t, ProcessResult>>* done,
                      std::string* err) {
  while (!children_.empty()) {
    double now = Now(), next = 0;
    for (Child& c : children_) {
      if (c.deadline > 0 && c.deadline <= now) {
        kill(-c.pid, SIGKILL);
        c.timed_out = true;
        c.deadline = 0;
      }
      if (c.deadline > 0 && (next == 0 || c.deadline < next)) next = c.deadline;
    }
    int wait_ms = -1;
    if (next > 0) wait_ms = static_cast<int>(std::ceil((next - now) * 1000));
    std::vector<pollfd> fds;
    fds.reserve(children_.size());
    for (const Child& c : children_) fds.push_back({c.pidfd, POLLIN, 0});
    int n = poll(fds.data(), fds.size(), wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = ErrnoText("poll");
      return false;
    }
    if (n == 0) continue;
    std::vector<Child> running;
    running.reserve(children_.size());
    for (size_t i = 0; i < children_.size(); ++i) {
      if (fds[i].revents == 0) {
        running.push_back(children_[i]);
        continue;
      }
      ProcessResult result;
      Finish(&children_[i], &result);
      done->emplace_back(children_[i].tag, std::move(result));
    }
    children_ = std::move(running);
    return true;
  }
  return true;
}

}  // namespace rocks
