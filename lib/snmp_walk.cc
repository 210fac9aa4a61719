#include "snmp_walk.h"

#include <sys/resource.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <deque>

#include "strutil.h"

namespace rocks {

bool ParseOid(const std::string& text, Oid* out) {
  Oid oid;
  size_t i = 0;
  if (i < text.size() && text[i] == '.') ++i;
  if (i >= text.size()) return false;
  while (i < text.size()) {
    uint64_t v = 0;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      v = v * 10 + (text[i] - '0');
      if (v > 0xffffffffu) return false;
      ++i;
    }
    if (i == start) return false;
    oid.push_back(static_cast<uint32_t>(v));
    if (i < text.size()) {
      if (text[i] != '.' || i + 1 == text.size()) return false;
      ++i;
    }
  }
  *out = std::move(oid);
  return true;
}

std::string FormatOid(const Oid& oid) {
  std::string s;
  for (size_t i = 0; i < oid.size(); ++i) {
    if (i) s += '.';
    s += std::to_string(oid[i]);
  }
  return s;
}

namespace {

// net-snmp reads MIB files, configuration files and persistent state at
// start-up and logs every problem it meets on stderr; a tool that speaks
// only numeric OIDs needs none of it, and its users must not see the noise.
bool InitNetSnmp(std::string* err) {
  static bool done = false;
  if (done) return true;
  setenv("MIBS", "", 1);
  netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIBDIRS, "");
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES, 1);
  netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
  // A handler that drops everything; with no handler at all net-snmp
  // falls back to stderr.
  if (!netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG)) {
    *err = "net-snmp: cannot set up logging";
    return false;
  }
  init_snmp("rocks-snmp");
  done = true;
  return true;
}

bool Under(const oid* name, size_t len, const Oid& prefix) {
  if (len <= prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (name[i] != prefix[i]) return false;
  return true;
}

std::vector<oid> ToNetSnmp(const Oid& o) { return std::vector<oid>(o.begin(), o.end()); }

SnmpValue ValueOf(const netsnmp_variable_list* vb) {
  SnmpValue v;
  switch (vb->type) {
    case ASN_INTEGER:
      v.is_number = true;
      v.number = *vb->val.integer;
      break;
    case ASN_COUNTER:
    case ASN_GAUGE:
    case ASN_TIMETICKS:
    case ASN_UINTEGER:
      v.is_number = true;
      v.number = static_cast<int64_t>(static_cast<uint32_t>(*vb->val.integer));
      break;
    case ASN_COUNTER64:
      v.is_number = true;
      v.number = static_cast<int64_t>((static_cast<uint64_t>(vb->val.counter64->high) << 32) |
                                      vb->val.counter64->low);
      break;
    case ASN_OCTET_STR:
    case ASN_OPAQUE:
      v.bytes.assign(reinterpret_cast<const char*>(vb->val.string), vb->val_len);
      break;
    case ASN_IPADDRESS:
      if (vb->val_len == 4) {
        const u_char* b = vb->val.string;
        v.bytes = std::to_string(b[0]) + "." + std::to_string(b[1]) + "." +
                  std::to_string(b[2]) + "." + std::to_string(b[3]);
      }
      break;
    case ASN_OBJECT_ID: {
      Oid o(vb->val.objid, vb->val.objid + vb->val_len / sizeof(oid));
      v.bytes = FormatOid(o);
      break;
    }
    default:
      break;
  }
  return v;
}

int Compare(const oid* a, size_t alen, const Oid& b) {
  size_t n = std::min(alen, b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  if (alen == b.size()) return 0;
  return alen < b.size() ? -1 : 1;
}

class Walker;

struct AgentWalk {
  Walker* walker = nullptr;
  const SnmpAgent* agent = nullptr;
  SnmpWalkResult* result = nullptr;
  netsnmp_session* session = nullptr;
  std::vector<Oid> position;  // per column: the last OID seen
  std::vector<bool> active;
  bool probe_pending = false;
  int reps_cap = 0;  // lowered after tooBig
  // What the request in flight asked for.
  std::vector<size_t> sent_columns;
  bool sent_probe = false;
  bool done = false;
};

int OnResponse(int operation, netsnmp_session* session, int reqid,
               netsnmp_pdu* pdu, void* magic);

class Walker {
 public:
  Walker(const SnmpSettings& settings, const SnmpWalkSpec& spec)
      : settings_(settings), spec_(spec) {}

  void Start(AgentWalk* w) {
    netsnmp_session s;
    snmp_sess_init(&s);
    std::string peer = "udp:" + w->agent->address + ":" + std::to_string(w->agent->port);
    s.peername = peer.data();
    s.version = settings_.version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
    std::string community = settings_.community;
    s.community = reinterpret_cast<u_char*>(community.data());
    s.community_len = community.size();
    s.timeout = static_cast<long>(settings_.timeout_seconds * 1e6);
    s.retries = settings_.retries;
    w->session = snmp_open(&s);
    if (!w->session) {
      int liberr = 0, syserr = 0;
      char* msg = nullptr;
      snmp_error(&s, &liberr, &syserr, &msg);
      Fail(w, std::string("cannot open an SNMP session: ") + (msg ? msg : "unknown error"));
      free(msg);
      return;
    }
    w->position = spec_.columns;
    w->active.assign(spec_.columns.size(), true);
    w->probe_pending = !spec_.required.empty();
    w->reps_cap = std::max(1, settings_.values_per_request);
    SendNext(w);
  }

  void SendNext(AgentWalk* w) {
    w->sent_columns.clear();
    for (size_t c = 0; c < w->active.size(); ++c)
      if (w->active[c]) w->sent_columns.push_back(c);
    w->sent_probe = w->probe_pending;
    if (w->sent_columns.empty() && !w->sent_probe) {
      w->result->ok = true;
      w->done = true;
      return;
    }
    bool bulk = settings_.version != 1;
    netsnmp_pdu* pdu = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
    if (bulk) {
      pdu->non_repeaters = w->sent_probe ? 1 : 0;
      size_t n = std::max<size_t>(1, w->sent_columns.size());
      pdu->max_repetitions =
          std::max<long>(1, std::min<long>(w->reps_cap, settings_.values_per_request / n));
    }
    if (w->sent_probe) {
      std::vector<oid> o = ToNetSnmp(spec_.required);
      snmp_add_null_var(pdu, o.data(), o.size());
    }
    for (size_t c : w->sent_columns) {
      std::vector<oid> o = ToNetSnmp(w->position[c]);
      snmp_add_null_var(pdu, o.data(), o.size());
    }
    if (!snmp_async_send(w->session, pdu, OnResponse, w)) {
      snmp_free_pdu(pdu);
      int liberr = 0, syserr = 0;
      char* msg = nullptr;
      snmp_error(w->session, &liberr, &syserr, &msg);
      Fail(w, std::string("cannot send: ") + (msg ? msg : "unknown error"));
      free(msg);
    }
  }

  void Fail(AgentWalk* w, const std::string& reason) {
    w->result->ok = false;
    w->result->err = reason;
    w->result->rows.clear();
    w->done = true;
  }

  void OnPdu(AgentWalk* w, int operation, netsnmp_pdu* pdu) {
    if (w->done) return;
    if (operation == NETSNMP_CALLBACK_OP_TIMED_OUT) {
      w->result->timed_out = true;
      Fail(w, "timeout");
      return;
    }
    // net-snmp reports each retransmission; the request is still pending.
    if (operation == NETSNMP_CALLBACK_OP_RESEND) return;
    if (operation == NETSNMP_CALLBACK_OP_SEND_FAILED) {
      Fail(w, "cannot send the request");
      return;
    }
    if (operation != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || !pdu) {
      Fail(w, "connection lost");
      return;
    }
    if (pdu->errstat == SNMP_ERR_TOOBIG && w->reps_cap > 1 && settings_.version != 1) {
      w->reps_cap = std::max(1, w->reps_cap / 2);
      SendNext(w);
      return;
    }
    if (pdu->errstat == SNMP_ERR_NOSUCHNAME && pdu->errindex >= 1) {
      // SNMPv1's way to say a GETNEXT ran past the end of the MIB view.
      size_t k = static_cast<size_t>(pdu->errindex - 1);
      if (w->sent_probe) {
        if (k == 0) {
          Missing(w);
          return;
        }
        --k;
      }
      if (k >= w->sent_columns.size()) {
        Fail(w, std::string("agent error: ") + snmp_errstring(pdu->errstat));
        return;
      }
      w->active[w->sent_columns[k]] = false;
      SendNext(w);
      return;
    }
    if (pdu->errstat != SNMP_ERR_NOERROR) {
      Fail(w, std::string("agent error: ") + snmp_errstring(pdu->errstat));
      return;
    }
    netsnmp_variable_list* vb = pdu->variables;
    if (w->sent_probe) {
      if (!vb || vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
          vb->type == SNMP_NOSUCHINSTANCE ||
          !Under(vb->name, vb->name_length, spec_.required)) {
        Missing(w);
        return;
      }
      w->probe_pending = false;
      vb = vb->next_variable;
    }
    size_t n = w->sent_columns.size();
    bool progress = false;
    for (size_t j = 0; vb && n; vb = vb->next_variable, ++j) {
      size_t c = w->sent_columns[j % n];
      if (!w->active[c]) continue;
      const Oid& column = spec_.columns[c];
      if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT ||
          vb->type == SNMP_NOSUCHINSTANCE || !Under(vb->name, vb->name_length, column)) {
        w->active[c] = false;
        progress = true;
        continue;
      }
      if (Compare(vb->name, vb->name_length, w->position[c]) <= 0) {
        Fail(w, "agent error: OIDs not increasing at " + FormatOid(w->position[c]));
        return;
      }
      Oid name(vb->name, vb->name + vb->name_length);
      Oid index(name.begin() + column.size(), name.end());
      auto& row = w->result->rows[index];
      row.resize(spec_.columns.size());
      row[c] = ValueOf(vb);
      w->position[c] = std::move(name);
      progress = true;
    }
    if (!progress && n) {
      if (w->reps_cap > 1) {
        w->reps_cap = std::max(1, w->reps_cap / 2);
      } else {
        Fail(w, "agent error: empty response");
        return;
      }
    }
    SendNext(w);
  }

  void Missing(AgentWalk* w) {
    w->result->ok = true;
    w->result->missing_subtree = true;
    w->result->rows.clear();
    w->done = true;
  }

 private:
  const SnmpSettings& settings_;
  const SnmpWalkSpec& spec_;
};

int OnResponse(int operation, netsnmp_session* session, int reqid,
               netsnmp_pdu* pdu, void* magic) {
  auto* w = static_cast<AgentWalk*>(magic);
  w->walker->OnPdu(w, operation, pdu);
  return 1;
}

int SessionLimit(const SnmpSettings& settings) {
  int limit = std::max(1, settings.max_sessions);
  struct rlimit rl;
  // Each session holds a socket; leave room for the database and stdio.
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    limit = std::min<long>(limit, std::max<long>(1, static_cast<long>(rl.rlim_cur) - 64));
  return limit;
}

}  // namespace

bool WalkSnmpAgents(const std::vector<SnmpAgent>& agents,
                    const SnmpSettings& settings, const SnmpWalkSpec& spec,
                    std::vector<SnmpWalkResult>* out, std::string* err) {
  if (!InitNetSnmp(err)) return false;
  out->assign(agents.size(), SnmpWalkResult());
  Walker walker(settings, spec);
  std::vector<AgentWalk> walks(agents.size());
  std::deque<AgentWalk*> waiting;
  for (size_t i = 0; i < agents.size(); ++i) {
    walks[i].walker = &walker;
    walks[i].agent = &agents[i];
    walks[i].result = &(*out)[i];
    waiting.push_back(&walks[i]);
  }
  const size_t limit = static_cast<size_t>(SessionLimit(settings));
  std::vector<AgentWalk*> running;
  netsnmp_large_fd_set fds;
  netsnmp_large_fd_set_init(&fds, FD_SETSIZE);
  bool ok = true;
  while (!waiting.empty() || !running.empty()) {
    while (!waiting.empty() && running.size() < limit) {
      AgentWalk* w = waiting.front();
      waiting.pop_front();
      walker.Start(w);
      running.push_back(w);
    }
    // Sessions close outside the callbacks: net-snmp is still using them
    // there.
    for (AgentWalk* w : running) {
      if (w->done && w->session) {
        snmp_close(w->session);
        w->session = nullptr;
      }
    }
    running.erase(std::remove_if(running.begin(), running.end(),
                                 [](AgentWalk* w) { return w->done; }),
                  running.end());
    if (running.empty()) continue;
    int numfds = 0;
    int block = 1;
    struct timeval tv = {0, 0};
    NETSNMP_LARGE_FD_ZERO(&fds);
    snmp_select_info2(&numfds, &fds, &tv, &block);
    if (numfds == 0 && block) {
      for (AgentWalk* w : running) walker.Fail(w, "no request in flight");
      continue;
    }
    int n = netsnmp_large_fd_set_select(numfds, &fds, nullptr, nullptr,
                                        block ? nullptr : &tv);
    if (n > 0) {
      snmp_read2(&fds);
    } else if (n == 0) {
      snmp_timeout();
    } else if (errno != EINTR) {
      *err = ErrnoText("select");
      ok = false;
      break;
    }
  }
  for (AgentWalk& w : walks) {
    if (w.session) snmp_close(w.session);
  }
  netsnmp_large_fd_set_cleanup(&fds);
  return ok;
}

}  // namespace rocks
