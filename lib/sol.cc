#include "sol.h"

#include <ipmiconsole.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "strutil.h"

namespace rocks {
namespace {

// After the end of input, the node's answer to the last bytes sent still
// comes: output is relayed until it has been quiet this long, and for at
// most kLingerMaxMs in all.
const int kQuietMs = 1000;
const int kLingerMaxMs = 5000;

bool WriteAll(int fd, const char* p, size_t n, bool socket) {
  while (n > 0) {
    // A session the engine closed must fail the write, not raise SIGPIPE.
    ssize_t w = socket ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// The engine's threads live as long as one console.
class SolEngine {
 public:
  bool Start(std::string* err) {
    if (ipmiconsole_engine_init(1, 0) < 0) {
      *err = ErrnoText("cannot start the IPMI console engine");
      return false;
    }
    started_ = true;
    return true;
  }
  // Tears down the SOL session on the BMC too, so that the next console
  // finds it free.
  ~SolEngine() {
    if (started_) ipmiconsole_engine_teardown(1);
  }

 private:
  bool started_ = false;
};

class Session {
 public:
  ~Session() {
    if (fd_ >= 0) close(fd_);
    if (ctx_) ipmiconsole_ctx_destroy(ctx_);
  }
  ipmiconsole_ctx_t ctx_ = nullptr;
  int fd_ = -1;
};

// Why the session ended: the engine's error, or none.
std::string Ended(ipmiconsole_ctx_t ctx) {
  if (ipmiconsole_ctx_errnum(ctx) == IPMICONSOLE_ERR_SUCCESS) return "";
  return ipmiconsole_ctx_errormsg(ctx);
}

}  // namespace

bool RunSolConsole(const PowerPlan& plan, int in_fd, int out_fd, char escape,
                   double timeout_seconds, std::string* err) {
  const std::string where = "ipmi " + plan.ipmi_address;
  if (!plan.ipmi_lanplus) {
    *err = where + ": serial-over-LAN needs IPMI 2.0 (ipmi_interface=lanplus)";
    return false;
  }
  int session_ms = static_cast<int>(std::lround(timeout_seconds * 1000));
  if (session_ms < 1000) session_ms = 1000;
  // libipmiconsole refuses keepalives and resends slower than the session
  // timeout.
  struct ipmiconsole_ipmi_config ipmi {};
  ipmi.username = const_cast<char*>(plan.ipmi_user.c_str());
  ipmi.password = const_cast<char*>(plan.ipmi_password.c_str());
  ipmi.privilege_level = IPMICONSOLE_PRIVILEGE_ADMIN;
  ipmi.cipher_suite_id = -1;
  ipmi.workaround_flags = plan.sol_workarounds;
  struct ipmiconsole_protocol_config protocol {};
  protocol.session_timeout_len = session_ms;
  protocol.retransmission_timeout_len = std::min(500, session_ms / 4);
  protocol.retransmission_backoff_count = -1;
  protocol.keepalive_timeout_len = session_ms / 2;
  protocol.retransmission_keepalive_timeout_len = session_ms / 4;
  protocol.acceptable_packet_errors_count = -1;
  protocol.maximum_retransmission_count = -1;
  struct ipmiconsole_engine_config engine {};

  SolEngine eng;
  if (!eng.Start(err)) {
    *err = where + ": " + *err;
    return false;
  }
  Session s;
  s.ctx_ = ipmiconsole_ctx_create(plan.ipmi_address.c_str(), &ipmi, &protocol, &engine);
  if (!s.ctx_) {
    *err = ErrnoText(where + ": cannot create a console session");
    return false;
  }
  if (ipmiconsole_engine_submit_block(s.ctx_) < 0) {
    *err = where + ": " + ipmiconsole_ctx_errormsg(s.ctx_);
    return false;
  }
  s.fd_ = ipmiconsole_ctx_fd(s.ctx_);
  if (s.fd_ < 0) {
    *err = where + ": " + ipmiconsole_ctx_errormsg(s.ctx_);
    return false;
  }
  int type = 0;
  socklen_t len = sizeof type;
  bool sol_socket = getsockopt(s.fd_, SOL_SOCKET, SO_TYPE, &type, &len) == 0;

  using Clock = std::chrono::steady_clock;
  bool input = true;
  Clock::time_point linger_end;
  char buf[4096];
  for (;;) {
    struct pollfd fds[2] = {{s.fd_, POLLIN, 0}, {in_fd, POLLIN, 0}};
    int wait_ms = -1;
    if (!input) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      linger_end - Clock::now()).count();
      if (left <= 0) return true;
      wait_ms = static_cast<int>(std::min<long long>(left, kQuietMs));
    }
    int n = poll(fds, input ? 2 : 1, wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = ErrnoText(where + ": console");
      return false;
    }
    if (n == 0) return true;  // quiet after the end of input
    if (fds[0].revents) {
      ssize_t r = read(s.fd_, buf, sizeof buf);
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (r <= 0) {
        std::string why = Ended(s.ctx_);
        if (why.empty()) return true;
        *err = where + ": " + why;
        return false;
      }
      if (!WriteAll(out_fd, buf, static_cast<size_t>(r), false)) {
        *err = ErrnoText("console output");
        return false;
      }
    }
    if (input && fds[1].revents) {
      ssize_t r = read(in_fd, buf, sizeof buf);
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (r <= 0) {
        input = false;
        linger_end = Clock::now() + std::chrono::milliseconds(kLingerMaxMs);
        continue;
      }
      size_t len = static_cast<size_t>(r);
      const void* esc = std::memchr(buf, escape, len);
      if (esc) len = static_cast<size_t>(static_cast<const char*>(esc) - buf);
      if (len > 0 && !WriteAll(s.fd_, buf, len, sol_socket)) {
        std::string why = Ended(s.ctx_);
        *err = where + ": " + (why.empty() ? "the session closed" : why);
        return false;
      }
      if (esc) return true;
    }
  }
}

}  // namespace rocks
