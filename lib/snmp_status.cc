#include "snmp_status.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "cluster.h"
#include "hostsel.h"
#include "net.h"
#include "strutil.h"

namespace rocks {

namespace {

const Oid kHostResourcesMib = {1, 3, 6, 1, 2, 1, 25};
const Oid kRunName = {1, 3, 6, 1, 2, 1, 25, 4, 2, 1, 2};
const Oid kRunParameters = {1, 3, 6, 1, 2, 1, 25, 4, 2, 1, 5};
const Oid kRunPerfCpu = {1, 3, 6, 1, 2, 1, 25, 5, 1, 1, 1};
const Oid kRunPerfMem = {1, 3, 6, 1, 2, 1, 25, 5, 1, 1, 2};
const Oid kInstalledName = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 2};
const Oid kInstalledType = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 4};
const Oid kInstalledDate = {1, 3, 6, 1, 2, 1, 25, 6, 3, 1, 5};

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace

bool ParseSnmpHost(const std::string& arg, int default_port, SnmpHost* out,
                   std::string* err) {
  SnmpHost host;
  host.name = arg;
  host.port = default_port;
  std::string name = arg;
  size_t colon = arg.rfind(':');
  if (colon != std::string::npos) {
    name = arg.substr(0, colon);
    int64_t port = 0;
    if (!ParseInt(arg.substr(colon + 1), &port) || port < 1 || port > 65535) {
      *err = arg + ": invalid port";
      return false;
    }
    host.port = static_cast<int>(port);
  }
  uint32_t ip = 0;
  if (ParseIPv4(name, &ip)) {
    host.address = name;
  } else if (ValidHostName(name)) {
    // Resolved later, so that an unknown name is one host's failure
    // rather than the whole command's.
    host.hostname = name;
  } else {
    *err = arg + ": invalid host name";
    return false;
  }
  *out = host;
  return true;
}

namespace {

SnmpHost SnmpHostOf(const Host& h, int port) {
  SnmpHost target;
  target.name = h.name;
  target.port = port;
  for (const Interface& i : h.interfaces) {
    if (i.ip.empty()) continue;
    if (target.address.empty() || i.subnet == "private") target.address = i.ip;
    if (i.subnet == "private") break;
  }
  return target;
}

}  // namespace

bool ListComputeHosts(Database* db, int port, std::vector<SnmpHost>* out,
                      std::string* err) {
  std::vector<Appliance> appliances;
  std::vector<Host> hosts;
  if (!ListAppliances(db, &appliances, err) || !ListHosts(db, {}, &hosts, err))
    return false;
  std::set<std::string> compute;
  for (const Appliance& a : appliances)
    if (a.compute) compute.insert(a.name);
  out->clear();
  for (const Host& h : hosts)
    if (compute.count(h.appliance)) out->push_back(SnmpHostOf(h, port));
  return true;
}

bool SelectSnmpHosts(Database* db, const std::vector<std::string>& selection, int port,
                     std::vector<SnmpHost>* out, std::string* err) {
  std::vector<Host> hosts;
  if (!SelectHosts(db, selection, &hosts, err)) return false;
  for (const Host& h : hosts) out->push_back(SnmpHostOf(h, port));
  return true;
}

bool ResolveHostAddress(const std::string& name, std::string* address,
                        std::string* err) {
  uint32_t ip = 0;
  if (ParseIPv4(name, &ip)) {
    *address = name;
    return true;
  }
  std::string lower = ToLower(name);
  if (EndsWith(lower, ".")) lower.pop_back();
  // RFC 6761 6.4: resolver libraries should answer names under "invalid"
  // negatively at once; glibc would ask the DNS server.
  if (lower == "invalid" || EndsWith(lower, ".invalid")) {
    *err = "unknown host name";
    return false;
  }
  struct addrinfo hints = {};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  struct addrinfo* res = nullptr;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) {
    if (rc == EAI_NONAME || rc == EAI_NODATA || rc == 0)
      *err = "unknown host name";
    else
      *err = std::string("cannot resolve host name: ") + gai_strerror(rc);
    if (res) freeaddrinfo(res);
    return false;
  }
  char buf[INET_ADDRSTRLEN];
  const auto* sin = reinterpret_cast<const struct sockaddr_in*>(res->ai_addr);
  inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf);
  freeaddrinfo(res);
  *address = buf;
  return true;
}

bool QueryHostStatus(const std::vector<SnmpHost>& hosts,
                     const SnmpSettings& settings, const StatusQuery& query,
                     std::vector<HostStatus>* out, std::string* err) {
  out->assign(hosts.size(), HostStatus());
  std::vector<SnmpAgent> agents;
  std::vector<size_t> agent_host;
  for (size_t i = 0; i < hosts.size(); ++i) {
    (*out)[i].host = hosts[i].name;
    std::string address = hosts[i].address;
    if (address.empty() && hosts[i].hostname.empty()) {
      (*out)[i].err = "no IP address";
      continue;
    }
    if (address.empty()) {
      std::string why;
      if (!ResolveHostAddress(hosts[i].hostname, &address, &why)) {
        (*out)[i].err = why;
        continue;
      }
    }
    agents.push_back({address, hosts[i].port});
    agent_host.push_back(i);
  }
  SnmpWalkSpec spec;
  spec.required = kHostResourcesMib;
  if (query.processes)
    spec.columns.insert(spec.columns.end(), {kRunName, kRunParameters, kRunPerfCpu, kRunPerfMem});
  size_t soft = spec.columns.size();
  if (query.software)
    spec.columns.insert(spec.columns.end(), {kInstalledName, kInstalledType, kInstalledDate});
  std::vector<SnmpWalkResult> results;
  if (!WalkSnmpAgents(agents, settings, spec, &results, err)) return false;
  for (size_t a = 0; a < agents.size(); ++a) {
    HostStatus& st = (*out)[agent_host[a]];
    const SnmpWalkResult& r = results[a];
    if (!r.ok) {
      if (r.timed_out)
        st.err = "timeout after " + std::to_string(settings.retries + 1) +
                 (settings.retries ? " tries" : " try") + " of " +
                 Seconds(settings.timeout_seconds) +
                 " s (no agent, or wrong community)";
      else
        st.err = r.err;
      continue;
    }
    if (r.missing_subtree) {
      st.err = "no HOST-RESOURCES-MIB";
      continue;
    }
    st.ok = true;
    for (const auto& [index, cells] : r.rows) {
      if (index.size() != 1) continue;
      if (query.processes && cells[0]) {
        ProcessInfo p;
        p.pid = index[0];
        p.name = cells[0]->bytes;
        if (cells[1]) p.args = cells[1]->bytes;
        if (cells[2] && cells[2]->is_number) p.cpu = cells[2]->number;
        if (cells[3] && cells[3]->is_number) p.mem_kb = cells[3]->number;
        st.processes.push_back(std::move(p));
      }
      if (query.software && cells[soft]) {
        SoftwareInfo s;
        s.index = index[0];
        s.name = cells[soft]->bytes;
        if (cells[soft + 1] && cells[soft + 1]->is_number) s.type = cells[soft + 1]->number;
        if (cells[soft + 2]) s.date = cells[soft + 2]->bytes;
        st.software.push_back(std::move(s));
      }
    }
  }
  return true;
}

bool ParseStatusSort(const std::string& value, StatusSort* out,
                     std::string* err) {
  if (value == "pid") {
    *out = StatusSort::kPid;
  } else if (value == "cpu") {
    *out = StatusSort::kCpu;
  } else if (value == "mem") {
    *out = StatusSort::kMem;
  } else if (value == "name") {
    *out = StatusSort::kName;
  } else {
    *err = value + ": unknown sort key (expected pid, cpu, mem or name)";
    return false;
  }
  return true;
}

NameFilter::~NameFilter() {
  if (compiled_) regfree(&regex_);
}

bool NameFilter::Compile(const std::string& pattern, std::string* err) {
  if (compiled_) {
    regfree(&regex_);
    compiled_ = false;
  }
  int rc = regcomp(&regex_, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc != 0) {
    char buf[256];
    regerror(rc, &regex_, buf, sizeof buf);
    *err = pattern + ": " + buf;
    return false;
  }
  compiled_ = true;
  return true;
}

bool NameFilter::Matches(const std::string& name) const {
  return !compiled_ || regexec(&regex_, name.c_str(), 0, nullptr, 0) == 0;
}

std::string FormatCentiseconds(int64_t centiseconds) {
  char buf[32];
  const char* sign = centiseconds < 0 ? "-" : "";
  uint64_t v = centiseconds < 0 ? -static_cast<uint64_t>(centiseconds)
                                : static_cast<uint64_t>(centiseconds);
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", sign,
                static_cast<unsigned long long>(v / 100),
                static_cast<unsigned long long>(v % 100));
  return buf;
}

std::string FormatDateAndTime(const std::string& octets) {
  if (octets.size() != 8 && octets.size() != 11) return "";
  auto b = [&](size_t i) { return static_cast<unsigned char>(octets[i]); };
  unsigned year = b(0) * 256u + b(1);
  if (b(2) < 1 || b(2) > 12 || b(3) < 1 || b(3) > 31 || b(4) > 23 || b(5) > 59 ||
      b(6) > 60)
    return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u", year, b(2), b(3),
                b(4), b(5), b(6));
  std::string s = buf;
  if (octets.size() == 11) {
    if ((octets[8] != '+' && octets[8] != '-') || b(9) > 14 || b(10) > 59) return "";
    std::snprintf(buf, sizeof buf, "%c%02u:%02u", octets[8], b(9), b(10));
    s += buf;
  }
  return s;
}

std::string SoftwareTypeName(int64_t type) {
  switch (type) {
    case 1: return "unknown";
    case 2: return "operatingSystem";
    case 3: return "deviceDriver";
    case 4: return "application";
  }
  return std::to_string(type);
}

namespace {

struct ProcessRef {
  size_t host;
  const ProcessInfo* p;
};

struct SoftwareRef {
  size_t host;
  const SoftwareInfo* s;
};

// Process arguments may hold tabs and newlines, which would break a TSV
// record; like ps, show control characters as '?'. JSON escapes them.
std::string Cell(const std::string& s, const StatusView& view) {
  if (view.format == OutputFormat::kJson) return s;
  std::string out = s;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

std::optional<std::string> HostCell(const std::vector<HostStatus>& hosts,
                                    size_t h, const StatusView& view) {
  if (view.format == OutputFormat::kJson) return hosts[h].host;
  return hosts[h].host + ":";
}

// Descending, absent values last.
bool MoreFirst(const std::optional<int64_t>& a, const std::optional<int64_t>& b,
               bool* decided) {
  *decided = true;
  if (a && b && *a != *b) return *a > *b;
  if (a.has_value() != b.has_value()) return a.has_value();
  *decided = false;
  return false;
}

}  // namespace

Table ProcessTable(const std::vector<HostStatus>& hosts, const StatusView& view) {
  std::vector<ProcessRef> refs;
  for (size_t h = 0; h < hosts.size(); ++h) {
    if (!hosts[h].ok) continue;
    for (const ProcessInfo& p : hosts[h].processes)
      if (!view.filter || view.filter->Matches(p.name)) refs.push_back({h, &p});
  }
  auto by_host_pid = [](const ProcessRef& a, const ProcessRef& b) {
    if (a.host != b.host) return a.host < b.host;
    return a.p->pid < b.p->pid;
  };
  std::stable_sort(refs.begin(), refs.end(), [&](const ProcessRef& a, const ProcessRef& b) {
    bool decided = false;
    bool less = false;
    switch (view.sort) {
      case StatusSort::kCpu: less = MoreFirst(a.p->cpu, b.p->cpu, &decided); break;
      case StatusSort::kMem: less = MoreFirst(a.p->mem_kb, b.p->mem_kb, &decided); break;
      case StatusSort::kName:
        if (a.p->name != b.p->name) return a.p->name < b.p->name;
        break;
      case StatusSort::kPid: break;
    }
    if (decided) return less;
    return by_host_pid(a, b);
  });
  Table t;
  t.name = "processes";
  if (view.host_column) t.columns.push_back({"HOST", false});
  t.columns.push_back({"PID", true});
  t.columns.push_back({"CPU", true});
  t.columns.push_back({"MEM", true});
  t.columns.push_back({"NAME", false});
  t.columns.push_back({"ARGS", false});
  for (const ProcessRef& r : refs) {
    std::vector<std::optional<std::string>> row;
    if (view.host_column) row.push_back(HostCell(hosts, r.host, view));
    row.push_back(std::to_string(r.p->pid));
    row.push_back(r.p->cpu ? std::optional<std::string>(FormatCentiseconds(*r.p->cpu))
                           : std::nullopt);
    row.push_back(r.p->mem_kb ? std::optional<std::string>(std::to_string(*r.p->mem_kb))
                              : std::nullopt);
    row.push_back(Cell(r.p->name, view));
    row.push_back(Cell(r.p->args, view));
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table SoftwareTable(const std::vector<HostStatus>& hosts, const StatusView& view) {
  std::vector<SoftwareRef> refs;
  for (size_t h = 0; h < hosts.size(); ++h) {
    if (!hosts[h].ok) continue;
    for (const SoftwareInfo& s : hosts[h].software)
      if (!view.filter || view.filter->Matches(s.name)) refs.push_back({h, &s});
  }
  std::stable_sort(refs.begin(), refs.end(), [&](const SoftwareRef& a, const SoftwareRef& b) {
    if (view.sort == StatusSort::kName && a.s->name != b.s->name) return a.s->name < b.s->name;
    if (a.host != b.host) return a.host < b.host;
    return a.s->index < b.s->index;
  });
  Table t;
  t.name = "software";
  if (view.host_column) t.columns.push_back({"HOST", false});
  t.columns.push_back({"NAME", false});
  t.columns.push_back({"TYPE", false});
  t.columns.push_back({"DATE", false});
  for (const SoftwareRef& r : refs) {
    std::vector<std::optional<std::string>> row;
    if (view.host_column) row.push_back(HostCell(hosts, r.host, view));
    row.push_back(Cell(r.s->name, view));
    row.push_back(r.s->type ? std::optional<std::string>(SoftwareTypeName(*r.s->type))
                            : std::nullopt);
    std::string date = FormatDateAndTime(r.s->date);
    row.push_back(date.empty() ? std::nullopt : std::optional<std::string>(date));
    t.rows.push_back(std::move(row));
  }
  return t;
}

namespace {

std::string Render(const Table& t, const StatusView& view) {
  std::string out;
  if (view.format == OutputFormat::kTsv && view.tsv_header) {
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    out = Join(names, "\t") + "\n";
  }
  return out + RenderTable(t, view.format);
}

}  // namespace

std::string RenderHostStatus(const std::vector<HostStatus>& hosts,
                             const StatusView& view) {
  if (view.processes && !view.software) return Render(ProcessTable(hosts, view), view);
  if (!view.processes && view.software) return Render(SoftwareTable(hosts, view), view);
  if (!view.processes && !view.software) return "";
  if (view.format == OutputFormat::kJson)
    return RenderJsonTables({ProcessTable(hosts, view), SoftwareTable(hosts, view)});
  std::string procs = Render(ProcessTable(hosts, view), view);
  std::string soft = Render(SoftwareTable(hosts, view), view);
  return view.format == OutputFormat::kTable ? procs + "\n" + soft : procs + soft;
}

}  // namespace rocks
