#include "discover.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "file.h"
#include "net.h"
#include "strutil.h"
#include "sync.h"

namespace rocks {

namespace {

std::string SubnetText(const Subnet& s) {
  return FormatIPv4(s.network) + "/" + std::to_string(s.prefix);
}

const Interface* PrivateInterface(const Host& h) {
  for (const Interface& i : h.interfaces)
    if (i.subnet == "private") return &i;
  return nullptr;
}

std::string Str(const std::optional<std::string>& v) { return v.value_or(""); }

int64_t Int(const std::optional<std::string>& v) {
  int64_t n = 0;
  if (v) ParseInt(*v, &n);
  return n;
}

// A word for a shell command line: quoted only when it has to be.
std::string ShellWord(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) ||
                      std::string_view("-_.:/,=+@%").find(c) != std::string_view::npos);
  return plain ? s : ShellQuote(s);
}

struct HostRow {
  int64_t id = 0;
  std::string appliance;
  int64_t rack = 0;
  int64_t rank = 0;
  int64_t ifc_id = 0;
  std::string ip;
};

// HOST's row and its private interface, for --replace.
bool FindReplaceable(Database* db, const std::string& host, HostRow* out,
                     std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT h.id, a.name, h.rack, h.`rank` FROM hosts h "
                 "JOIN appliances a ON a.id = h.appliance WHERE h.name = ?",
                 {SqlParam::Text(host)}, &rows, err))
    return false;
  if (rows.empty()) {
    *err = "replace=" + host + ": unknown host";
    return false;
  }
  out->id = Int(rows[0][0]);
  out->appliance = Str(rows[0][1]);
  out->rack = Int(rows[0][2]);
  out->rank = Int(rows[0][3]);
  if (out->appliance == "frontend") {
    *err = "replace=" + host + ": the frontend cannot be replaced";
    return false;
  }
  rows.clear();
  if (!db->Query("SELECT i.id, i.ip FROM interfaces i JOIN subnets s ON s.id = i.subnet "
                 "WHERE i.host = ? AND s.name = 'private' ORDER BY i.id",
                 {SqlParam::Int(out->id)}, &rows, err))
    return false;
  if (rows.empty()) {
    *err = "replace=" + host + ": has no interface on the private subnet";
    return false;
  }
  out->ifc_id = Int(rows[0][0]);
  out->ip = Str(rows[0][1]);
  return true;
}

}  // namespace

bool Discoverer::Load(Database* db, const DiscoverOptions& options,
                      std::string* err) {
  options_ = options;
  Appliance app;
  if (!FindAppliance(db, options.appliance, &app, err)) {
    *err = "appliance=" + *err;
    return false;
  }
  if (!app.is_public) {
    *err = "appliance=" + app.name + ": not an appliance for new nodes";
    return false;
  }
  basename_ = options.basename.empty() ? app.name : options.basename;
  if (!ValidHostName(basename_ + "-0-0")) {
    *err = "basename=" + basename_ + ": invalid host name";
    return false;
  }
  if (!CheckOneLabel("basename=" + basename_, basename_, "host names", err)) return false;
  if (options.inc == 0) {
    *err = "inc=0: the step must not be 0";
    return false;
  }
  if (!FindSubnet(db, "private", &private_, err)) return false;
  uint32_t host_mask = ~PrefixToMask(private_.prefix);
  if (!options.baseip.empty()) {
    if (!ParseIPv4(options.baseip, &start_)) {
      *err = "baseip=" + options.baseip + ": invalid IP address";
      return false;
    }
    if (!InNetwork(start_, private_.network, private_.prefix)) {
      *err = "baseip=" + options.baseip + ": not in the private subnet " +
             SubnetText(private_);
      return false;
    }
  } else {
    // The broadcast address is never a host's.
    start_ = (private_.network | host_mask) - (private_.prefix < 31 ? 1 : 0);
  }
  next_rank_ = options.rank.value_or(0);
  return Refresh(db, err);
}

bool Discoverer::Refresh(Database* db, std::string* err) {
  std::vector<Host> hosts;
  if (!ListHosts(db, {}, &hosts, err)) return false;
  names_.clear();
  macs_.clear();
  ips_.clear();
  private_device_.clear();
  int64_t max_rank = -1;
  for (const Host& h : hosts) {
    names_.insert(h.name);
    if (h.appliance == options_.appliance && h.rack == options_.rack)
      max_rank = std::max(max_rank, h.rank);
    for (const Interface& i : h.interfaces) {
      if (!i.mac.empty()) macs_.insert(i.mac);
      uint32_t ip;
      if (!i.ip.empty() && ParseIPv4(i.ip, &ip)) ips_.insert(ip);
      if (h.appliance == "frontend" && i.subnet == "private" && private_device_.empty())
        private_device_ = i.device;
    }
  }
  if (!options_.rank) next_rank_ = std::max(next_rank_, max_rank + 1);
  return true;
}

bool Discoverer::OnPrivateSide(const std::string& where,
                               const std::string& device) const {
  if (where == (device.empty() ? private_device_ : device)) return true;
  uint32_t ip;
  return ParseIPv4(where, &ip) && InNetwork(ip, private_.network, private_.prefix);
}

bool Discoverer::Classify(Database* db, std::string_view line,
                          const std::string& device, bool* refreshed,
                          RequestKind* kind, DhcpRequest* req, std::string* why,
                          std::string* err) {
  switch (ParseDhcpLogLine(line, req, why)) {
    case DhcpLine::kOther:
      *kind = RequestKind::kOther;
      return true;
    case DhcpLine::kMalformed:
      *kind = RequestKind::kMalformed;
      return true;
    case DhcpLine::kRequest:
      break;
  }
  if (!OnPrivateSide(req->interface, device)) {
    *kind = RequestKind::kElsewhere;
    return true;
  }
  if (!Known(req->mac) && !*refreshed) {
    if (!Refresh(db, err)) return false;
    *refreshed = true;
  }
  *kind = Known(req->mac) ? RequestKind::kKnown : RequestKind::kNew;
  return true;
}

void Discoverer::NextName(std::string* name, int64_t* rank) const {
  int64_t r = next_rank_;
  const std::string prefix = basename_ + "-" + std::to_string(options_.rack) + "-";
  while (names_.count(prefix + std::to_string(r))) ++r;
  *name = prefix + std::to_string(r);
  *rank = r;
}

bool Discoverer::NextAddress(std::string* ip, std::string* err) const {
  uint32_t host_mask = ~PrefixToMask(private_.prefix);
  int64_t a = start_;
  for (;;) {
    uint32_t u = static_cast<uint32_t>(a);
    bool usable = private_.prefix >= 31 ||
                  ((u & host_mask) != 0 && (u & host_mask) != host_mask);
    if (usable && !ips_.count(u)) {
      *ip = FormatIPv4(u);
      return true;
    }
    a += options_.inc;
    if (a < 0 || a > UINT32_MAX ||
        !InNetwork(static_cast<uint32_t>(a), private_.network, private_.prefix))
      break;
  }
  *err = "private subnet " + SubnetText(private_) + ": no free address";
  if (!options_.baseip.empty()) *err += " from " + options_.baseip;
  return false;
}

bool Discoverer::Insert(Database* db, const NodeOverrides& fixed, NewNode* node,
                        std::string* err) {
  NewNode n;
  std::string why;
  if (!fixed.mac.empty() && !ParseHostMac(fixed.mac, &n.mac, &why)) {
    *err = "mac=" + fixed.mac + ": " + why;
    return false;
  }
  if (!fixed.ip.empty()) {
    uint32_t ip;
    if (!ParseIPv4(fixed.ip, &ip)) {
      *err = "ipaddr=" + fixed.ip + ": invalid IP address";
      return false;
    }
    n.ip = fixed.ip;
  } else if (!NextAddress(&n.ip, err)) {
    return false;
  }
  NextName(&n.name, &n.rank);
  if (!fixed.hostname.empty()) {
    if (!ValidHostName(fixed.hostname)) {
      *err = "hostname=" + fixed.hostname + ": invalid host name";
      return false;
    }
    if (ReservedHostName(fixed.hostname)) {
      *err = "hostname=" + fixed.hostname + ": reserved host name";
      return false;
    }
    if (!CheckOneLabel("hostname=" + fixed.hostname, fixed.hostname, "host names", err))
      return false;
    n.name = fixed.hostname;
    n.rank = next_rank_;
  }
  n.rack = options_.rack;
  NewHost h;
  h.name = n.name;
  h.appliance = options_.appliance;
  h.rack = n.rack;
  h.rank = n.rank;
  h.cpus = options_.cpus;
  h.boot_action = options_.boot_action;
  Interface ifc;
  ifc.device = options_.device;
  ifc.mac = n.mac;
  ifc.ip = n.ip;
  ifc.subnet = "private";
  ifc.module = options_.module;
  h.interfaces.push_back(ifc);
  if (!AddHost(db, h, err)) return false;
  names_.insert(n.name);
  if (!n.mac.empty()) macs_.insert(n.mac);
  uint32_t ip;
  ParseIPv4(n.ip, &ip);
  ips_.insert(ip);
  next_rank_ = n.rank + 1;
  *node = n;
  return true;
}

void SyncSchedule::Inserted(double now) {
  if (!pending_) first_ = now;
  pending_ = true;
  last_ = now;
}

bool SyncSchedule::Due(double now) const {
  return pending_ && (now >= last_ + quiet_ || now >= first_ + max_delay_);
}

int SyncSchedule::WaitMs(double now, int cap) const {
  if (!pending_) return cap;
  double due = std::min(last_ + quiet_, first_ + max_delay_);
  double ms = (due - now) * 1000;
  if (ms <= 0) return 0;
  return ms >= cap ? cap : static_cast<int>(ms + 0.999);
}

bool CheckReplaceable(Database* db, const std::string& host, std::string* err) {
  HostRow row;
  return FindReplaceable(db, host, &row, err);
}

bool ReplaceHost(Database* db, const std::string& host, const std::string& mac,
                 NewNode* node, std::string* err) {
  std::string normalized, why;
  if (!ParseHostMac(mac, &normalized, &why)) {
    *err = "mac=" + mac + ": " + why;
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  HostRow row;
  if (!FindReplaceable(db, host, &row, err)) return false;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT h.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                 "WHERE i.mac = ?",
                 {SqlParam::Text(normalized)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = "mac=" + normalized + ": already used by " + Str(rows[0][0]);
    return false;
  }
  if (!db->Exec("UPDATE interfaces SET mac = ? WHERE id = ?",
                {SqlParam::Text(normalized), SqlParam::Int(row.ifc_id)}, err) ||
      !db->Exec("UPDATE hosts SET boot_action = 'install' WHERE id = ?",
                {SqlParam::Int(row.id)}, err) ||
      !tx.Commit(err))
    return false;
  node->name = host;
  node->mac = normalized;
  node->ip = row.ip;
  node->rack = row.rack;
  node->rank = row.rank;
  return true;
}

bool RemoveNode(Database* db, const std::string& host, std::string* err) {
  std::vector<Host> hosts;
  if (!ListHosts(db, {host}, &hosts, err)) {
    *err = "remove=" + *err;
    return false;
  }
  if (hosts[0].appliance == "frontend") {
    *err = "remove=" + host + ": the frontend cannot be removed";
    return false;
  }
  return RemoveHosts(db, {host}, err);
}

bool DumpNodes(Database* db, std::vector<std::string>* lines, std::string* err) {
  std::vector<Host> hosts;
  if (!ListHosts(db, {}, &hosts, err)) return false;
  for (const Host& h : hosts) {
    const Interface* i = PrivateInterface(h);
    if (h.appliance == "frontend" || !i) continue;
    std::string line = "insert-ethers --hostname=" + ShellWord(h.name) +
                       " --appliance=" + ShellWord(h.appliance) +
                       " --rack=" + std::to_string(h.rack) +
                       " --rank=" + std::to_string(h.rank) +
                       " --cpus=" + std::to_string(h.cpus) +
                       " --device=" + ShellWord(i->device);
    if (!i->module.empty()) line += " --module=" + ShellWord(i->module);
    if (!i->mac.empty()) line += " --mac=" + i->mac;
    if (!i->ip.empty()) line += " --ipaddr=" + i->ip;
    lines->push_back(line + " --batch");
  }
  return true;
}

bool KickstartedSince(Database* db, int64_t after_id, std::set<std::string>* hosts,
                      int64_t* last_id, std::string* err) {
  std::vector<InstallEvent> events;
  if (!ListInstallEvents(db, after_id, &events, last_id, err)) return false;
  for (const InstallEvent& e : events)
    if (e.state == "profile-sent") hosts->insert(e.host);
  return true;
}

bool Resync(Database* db, const Config& cfg, bool restart, ResyncResult* result,
            std::string* err) {
  SyncOptions options;
  options.reload = restart;
  std::string out;
  bool ok = SyncConfig(db, cfg, options, &out, &result->log, err);
  for (const std::string& line : Split(result->log, '\n'))
    if (EndsWith(line, ": written") || line.find(" written, ") != std::string::npos)
      ++result->written;
  return ok;
}

}  // namespace rocks
