#include "ksclient.h"

#include <cstdint>
#include <vector>

#include "net.h"
#include "strutil.h"

namespace rocks {

const char kInstallSubnet[] = "private";

namespace {

std::string Text(const std::optional<std::string>& v) { return v ? *v : ""; }

bool HostIdOf(Database* db, const std::string& host, int64_t* id, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id FROM hosts WHERE name = ?", {SqlParam::Text(host)}, &rows, err))
    return false;
  if (rows.empty()) {
    *err = host + ": unknown host";
    return false;
  }
  return ParseInt(Text(rows[0][0]), id) || (*err = host + ": bad host id", false);
}

// Bounds on what a node may report of itself.
const int64_t kMaxCpus = 1 << 20;
const int64_t kMaxMemory = int64_t{1} << 40;  // MiB

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 &&
               Hex(s[i + 2]) >= 0) {
      out += static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

bool ParseKickstartQuery(const std::string& query, KickstartQuery* out, std::string* err) {
  for (const std::string& pair : Split(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = UrlDecode(pair.substr(0, eq));
    std::string value = eq == std::string::npos ? "" : UrlDecode(pair.substr(eq + 1));
    if (key == "form") {
      out->form = value;
    } else if (key == "state") {
      out->state = value;
    } else if (key == "np" || key == "cpus" || key == "mem" || key == "memory") {
      // An empty value is a figure the node could not find.
      if (value.empty()) continue;
      bool cpus = key == "np" || key == "cpus";
      int64_t n;
      if (!ParseNumber(key + "=" + value, value, 1, cpus ? kMaxCpus : kMaxMemory, &n, err))
        return false;
      (cpus ? out->report.cpus : out->report.memory) = n;
    } else if (key == "nic") {
      size_t comma = value.find(',');
      std::string device = value.substr(0, comma), mac, why;
      if (comma == std::string::npos || !ValidDeviceName(device) ||
          !ParseHostMac(value.substr(comma + 1), &mac, &why)) {
        *err = "nic=" + value + ": expected DEVICE,MAC";
        return false;
      }
      if (out->report.nics.size() < kMaxReportedNics) out->report.nics.emplace_back(device, mac);
    } else {
      *err = key + ": unknown query field";
      return false;
    }
  }
  if (out->form != "kickstart" && out->form != "xml") {
    *err = "form=" + out->form + ": expected kickstart or xml";
    return false;
  }
  if (!out->state.empty() && out->state != "installing" && out->state != "installed" &&
      out->state != "failed") {
    *err = "state=" + out->state + ": expected installing, installed or failed";
    return false;
  }
  return true;
}

void AddHeaderNics(const std::vector<std::string>& mac_headers, HostReport* report) {
  for (const std::string& h : mac_headers) {
    std::string device, mac, why;
    if (ParseMacHeader(h, &device, &mac) && ValidDeviceName(device) &&
        ParseHostMac(mac, &mac, &why))
      report->nics.emplace_back(device, mac);
  }
}

bool ParseMacHeader(const std::string& value, std::string* device, std::string* mac) {
  std::vector<std::string> words = SplitBlanks(value);
  if (words.size() != 2 || !ParseMac(words[1], mac)) return false;
  *device = words[0];
  return true;
}

bool IdentifyClient(Database* db, const std::string& remote,
                    const std::vector<std::string>& mac_headers, Host* host,
                    std::string* refusal, std::string* err) {
  refusal->clear();
  std::string who = remote.empty() ? "no REMOTE_ADDR" : remote;
  if (!mac_headers.empty()) who += " (" + Join(mac_headers, ", ") + ")";
  std::vector<SqlRow> rows;
  if (!remote.empty() &&
      !db->Query("SELECT h.name, s.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                 "LEFT JOIN subnets s ON s.id = i.subnet WHERE i.ip = ?",
                 {SqlParam::Text(remote)}, &rows, err))
    return false;
  if (rows.empty()) {
    *refusal = who + ": unknown client";
    return true;
  }
  std::string name = Text(rows[0][0]);
  if (Text(rows[0][1]) != kInstallSubnet) {
    *refusal = who + ": " + name + "'s address on the " +
               (rows[0][1] ? *rows[0][1] : std::string("(no)")) +
               " network, which does not serve installs";
    return true;
  }
  Host found;
  bool ok;
  if (!FindHost(db, name, &found, &ok, err)) return false;
  if (!ok) {
    *refusal = who + ": unknown client";
    return true;
  }
  Appliance app;
  if (!FindAppliance(db, found.appliance, &app, err)) return false;
  if (!app.is_public) {
    *refusal = who + ": " + name + " is a " + app.name +
               ", which is not installed over the network";
    return true;
  }
  if (!mac_headers.empty()) {
    // Each header is "DEVICE MAC"; they may only confirm the address.
    bool mine = false;
    for (const std::string& h : mac_headers) {
      std::vector<std::string> words = SplitBlanks(h);
      std::string mac;
      if (!words.empty() && ParseMac(words.back(), &mac))
        for (const Interface& i : found.interfaces) mine = mine || i.mac == mac;
    }
    if (!mine) {
      *refusal = who + ": the MAC is not " + name + "'s";
      return true;
    }
  }
  *host = std::move(found);
  return true;
}

bool CheckInstallState(Database* db, const std::string& host, const std::string& state,
                       bool* record, std::string* refusal, std::string* err) {
  refusal->clear();
  *record = false;
  int64_t id;
  if (!HostIdOf(db, host, &id, err)) return false;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT state FROM install_events WHERE host = ? ORDER BY id DESC LIMIT 1",
                 {SqlParam::Int(id)}, &rows, err))
    return false;
  std::string last = rows.empty() ? "" : Text(rows[0][0]);
  if (last == state) return true;  // a retry of what is recorded
  bool ok = state == "installing" ? last == "profile-sent"
            : state == "installed" ? last == "installing"
            : state == "failed"    ? last == "profile-sent" || last == "installing"
                                   : false;
  if (!ok) {
    const char* after = state == "installing" ? "after its kickstart was sent"
                        : state == "installed" ? "after installing"
                                               : "during an install";
    *refusal = host + ": state=" + state + " comes only " + after + " (last: " +
               (last.empty() ? "none" : last) + ")";
    return true;
  }
  *record = true;
  return true;
}

bool RecordInstallEvent(Database* db, const InstallEvent& e, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  if (!HostIdOf(db, e.host, &id, err)) return false;
  if (!db->Exec("INSERT INTO install_events (host, time, state, detail) VALUES (?, ?, ?, ?)",
                {SqlParam::Int(id), SqlParam::Int(e.time), SqlParam::Text(e.state),
                 SqlParam::Text(e.detail)},
                err))
    return false;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id FROM install_events WHERE host = ? ORDER BY id DESC LIMIT 1 "
                 "OFFSET " + std::to_string(kMaxEventsPerHost),
                 {SqlParam::Int(id)}, &rows, err))
    return false;
  int64_t cutoff;
  if (!rows.empty() && ParseInt(Text(rows[0][0]), &cutoff) &&
      !db->Exec("DELETE FROM install_events WHERE host = ? AND id <= ?",
                {SqlParam::Int(id), SqlParam::Int(cutoff)}, err))
    return false;
  return tx.Commit(err);
}

}  // namespace rocks
