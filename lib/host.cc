#include "host.h"

#include <algorithm>
#include <map>
#include <set>

#include "appliance.h"
#include "interface.h"
#include "net.h"
#include "strutil.h"

namespace rocks {
namespace {

const char* const kHostKeys[] = {"appliance", "rack", "rank", "cpus", "memory", "arch",
                                 "os", "comment", "action"};

// The host whose appliance is the frontend: its id (0 when there is none)
// and name.
bool FrontendHost(Database* db, int64_t* id, std::string* name, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT h.id, h.name FROM hosts h JOIN appliances a ON a.id = h.appliance "
                 "WHERE a.name = 'frontend' ORDER BY h.id",
                 {}, &rows, err))
    return false;
  *id = rows.empty() ? 0 : CellInt(rows[0][0]);
  *name = rows.empty() ? "" : CellText(rows[0][1]);
  return true;
}

// One frontend per cluster: a host may be given the frontend appliance
// only while there is none, and the frontend keeps it (`label` names the
// appliance= given).
bool CheckFrontendAppliance(Database* db, int64_t id, const std::string& appliance,
                            const std::string& label, std::string* err) {
  int64_t frontend_id;
  std::string frontend;
  if (!FrontendHost(db, &frontend_id, &frontend, err)) return false;
  bool is_frontend = frontend_id != 0 && frontend_id == id;
  if (is_frontend && appliance != "frontend") {
    *err = label + ": the frontend's appliance cannot be changed";
    return false;
  }
  if (!is_frontend && appliance == "frontend" && frontend_id != 0) {
    *err = label + ": the cluster already has a frontend (" + frontend + ")";
    return false;
  }
  return true;
}

bool ParseCount(const std::string& key, const std::string& value, int64_t* out,
                std::string* err) {
  return ParseNumber(key + "=" + value, value, key == "cpus" ? 1 : 0, INT64_MAX, out, err);
}

bool ParseAction(const std::string& value, std::string* err) {
  if (value == "os" || value == "install") return true;
  *err = "action=" + value + ": unknown boot action (expected os or install)";
  return false;
}

/// A host may not take a name an alias already answers to.
bool CheckNotAlias(Database* db, const std::string& name, const std::string& label,
                   std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT h.name FROM aliases a JOIN hosts h ON h.id = a.host "
                 "WHERE a.name = ?",
                 {SqlParam::Text(name)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = label + ": already an alias of " + CellText(rows[0][0]);
    return false;
  }
  return true;
}

}  // namespace

bool HostId(Database* db, const std::string& name, int64_t* id,
            std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT id FROM hosts WHERE name = ?", {SqlParam::Text(ToLower(name))},
                 &rows, err))
    return false;
  if (rows.empty()) {
    *err = name + ": unknown host" + SuggestFrom(db, "SELECT name FROM hosts ORDER BY name", name);
    return false;
  }
  *id = CellInt(rows[0][0]);
  return true;
}

bool ListHosts(Database* db, const std::vector<std::string>& names,
               std::vector<Host>* out, std::string* err) {
  const std::string host_sql =
      "SELECT h.id, h.name, a.name, h.rack, h.`rank`, h.cpus, h.arch, h.os, "
      "h.comment, h.boot_action, h.memory FROM hosts h "
      "JOIN appliances a ON a.id = h.appliance";
  const std::string ifc_sql =
      "SELECT i.id, h.name, i.device, i.mac, i.ip, s.name, i.module, i.name, i.host, "
      "i.vlan, i.parent, i.options "
      "FROM interfaces i JOIN hosts h ON h.id = i.host "
      "LEFT JOIN subnets s ON s.id = i.subnet";
  std::vector<SqlRow> hrows, irows;
  if (names.empty()) {
    if (!db->Query(host_sql, {}, &hrows, err) ||
        !db->Query(ifc_sql + " ORDER BY i.host, i.device", {}, &irows, err))
      return false;
  } else {
    std::set<std::string> seen;
    for (const std::string& n : names) {
      if (!seen.insert(n).second) continue;
      size_t before = hrows.size();
      if (!db->Query(host_sql + " WHERE h.name = ?", {SqlParam::Text(ToLower(n))}, &hrows, err))
        return false;
      if (hrows.size() == before) {
        int64_t ignored;
        HostId(db, n, &ignored, err);
        return false;
      }
      if (!db->Query(ifc_sql + " WHERE h.name = ? ORDER BY i.device",
                     {SqlParam::Text(ToLower(n))}, &irows, err))
        return false;
    }
  }
  std::map<int64_t, size_t> index;
  std::vector<Host> hosts;
  hosts.reserve(hrows.size());
  for (auto& r : hrows) {
    Host h;
    h.id = CellInt(r[0]);
    h.name = CellText(r[1]);
    h.appliance = CellText(r[2]);
    h.rack = CellInt(r[3]);
    h.rank = CellInt(r[4]);
    h.cpus = CellInt(r[5]);
    h.arch = CellText(r[6]);
    h.os = CellText(r[7]);
    h.comment = CellText(r[8]);
    h.boot_action = CellText(r[9]);
    h.memory = CellInt(r[10]);
    index[h.id] = hosts.size();
    hosts.push_back(std::move(h));
  }
  for (auto& r : irows) {
    auto it = index.find(CellInt(r[8]));
    if (it == index.end()) continue;
    hosts[it->second].interfaces.push_back({CellInt(r[0]), CellText(r[1]), CellText(r[2]),
                                            CellText(r[3]), CellText(r[4]), CellText(r[5]),
                                            CellText(r[6]), CellText(r[7]), CellInt(r[9]),
                                            CellText(r[10]), CellText(r[11])});
  }
  if (names.empty()) {
    std::stable_sort(hosts.begin(), hosts.end(), [](const Host& a, const Host& b) {
      bool afe = a.appliance == "frontend", bfe = b.appliance == "frontend";
      if (afe != bfe) return afe;
      if (a.appliance != b.appliance) return a.appliance < b.appliance;
      if (a.rack != b.rack) return a.rack < b.rack;
      if (a.rank != b.rank) return a.rank < b.rank;
      return a.name < b.name;
    });
  }
  for (Host& h : hosts) out->push_back(std::move(h));
  return true;
}

bool FindHost(Database* db, const std::string& name, Host* out, bool* found,
              std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT name FROM hosts WHERE name = ?", {SqlParam::Text(ToLower(name))},
                 &rows, err))
    return false;
  *found = !rows.empty();
  if (!*found) return true;
  std::vector<Host> hosts;
  if (!ListHosts(db, {CellText(rows[0][0])}, &hosts, err)) return false;
  *out = std::move(hosts.at(0));
  return true;
}

bool FindHostByAddress(Database* db, const std::string& ip,
                       const std::string& mac, Host* out, bool* found,
                       std::string* err) {
  *found = false;
  for (const auto& [column, value] : {std::pair<const char*, std::string>{"ip", ip},
                                      {"mac", mac}}) {
    if (value.empty()) continue;
    std::vector<SqlRow> rows;
    if (!db->Query(std::string("SELECT h.name FROM interfaces i JOIN hosts h ON h.id = i.host "
                               "WHERE i.") + column + " = ?",
                   {SqlParam::Text(value)}, &rows, err))
      return false;
    if (!rows.empty()) return FindHost(db, CellText(rows[0][0]), out, found, err);
  }
  return true;
}

bool ParseNewHost(const std::string& name, const KeyValues& kv, NewHost* host,
                  std::string* err) {
  host->name = ToLower(name);
  Interface ifc;
  ifc.device = "eth0";
  bool any_ifc;
  KeyValues rest;
  if (!ParseInterfaceKeys(kv, &ifc, &any_ifc, &rest, err)) return false;
  for (const auto& [key, value] : rest) {
    int64_t n;
    if (key == "appliance" || key == "membership") {
      // Rocks 6 called it membership, capitalised ("Compute").
      host->appliance = key == "membership" ? ToLower(value) : value;
    } else if (key == "rack" || key == "rank" || key == "cpus" || key == "memory") {
      if (!ParseCount(key, value, &n, err)) return false;
      if (key == "rack") host->rack = n;
      else if (key == "rank") host->rank = n;
      else if (key == "memory") host->memory = n;
      else host->cpus = n;
    } else if (key == "arch") {
      host->arch = value;
    } else if (key == "os") {
      host->os = value;
    } else if (key == "comment") {
      host->comment = value;
    } else if (key == "action") {
      if (!ParseAction(value, err)) return false;
      host->boot_action = value;
    } else {
      std::vector<std::string> expected(std::begin(kHostKeys), std::end(kHostKeys));
      std::vector<std::string> ifc_keys = InterfaceKeys();
      expected.insert(expected.end(), ifc_keys.begin(), ifc_keys.end() - 1);
      *err = UnknownKey(key, value, expected);
      return false;
    }
  }
  if (any_ifc) host->interfaces.push_back(ifc);
  // Rocks 6: `add host compute-0-1` is appliance compute, rack 0, rank 1.
  if (host->appliance.empty()) {
    std::vector<std::string> parts = Split(host->name, '-');
    int64_t rack, rank;
    if (parts.size() < 3 || !ParseInt(parts[parts.size() - 2], &rack) ||
        !ParseInt(parts.back(), &rank) || rack < 0 || rank < 0) {
      *err = host->name + ": no appliance= and the name is not APPLIANCE-RACK-RANK";
      return false;
    }
    parts.resize(parts.size() - 2);
    host->appliance = Join(parts, "-");
    host->appliance_from_name = true;
    if (!host->rack) host->rack = rack;
    if (!host->rank) host->rank = rank;
  }
  return true;
}

bool AddHost(Database* db, const NewHost& given, std::string* err) {
  Transaction tx(db);
  int64_t id;
  return tx.Begin(err) && InsertHost(db, given, &id, err) && tx.Commit(err);
}

bool InsertHost(Database* db, const NewHost& given, int64_t* id, std::string* err) {
  // Names are stored in lower case: DNS does not tell compute-0-0 from
  // Compute-0-0, so neither may the database.
  NewHost h = given;
  h.name = ToLower(h.name);
  if (!ValidHostName(h.name)) {
    *err = h.name + ": invalid host name";
    return false;
  }
  if (ReservedHostName(h.name)) {
    *err = h.name + ": reserved host name";
    return false;
  }
  if (!CheckOneLabel(h.name, h.name, "host names", err) ||
      !CheckLength("arch", h.arch, kMaxArchLength, err) ||
      !CheckLength("os", h.os, kMaxArchLength, err) ||
      !CheckLength("comment", h.comment, kMaxCommentLength, err))
    return false;
  if (h.appliance.empty()) {
    *err = h.name + ": missing appliance=";
    return false;
  }
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT 1 FROM hosts WHERE name = ?", {SqlParam::Text(h.name)},
                 &rows, err))
    return false;
  if (!rows.empty()) {
    *err = h.name + ": host already exists";
    return false;
  }
  if (!CheckNotAlias(db, h.name, h.name, err)) return false;
  Appliance app;
  if (h.appliance_from_name) {
    // The name's appliance part may be the short name too (c-0-1).
    rows.clear();
    if (!db->Query("SELECT name FROM appliances WHERE name = ? OR short_name = ? "
                   "ORDER BY name = ? DESC",
                   {SqlParam::Text(h.appliance), SqlParam::Text(h.appliance),
                    SqlParam::Text(h.appliance)},
                   &rows, err))
      return false;
    if (rows.empty()) {
      *err = h.name + ": no appliance= and no appliance called " + h.appliance;
      return false;
    }
    h.appliance = CellText(rows[0][0]);
  }
  if (!ApplianceByName(db, h.appliance, &app, "appliance=" + h.appliance, err) ||
      !CheckFrontendAppliance(db, 0, app.name, "appliance=" + h.appliance, err))
    return false;
  int64_t rack = h.rack.value_or(0);
  int64_t rank = 0;
  if (h.rank) {
    rank = *h.rank;
  } else {
    rows.clear();
    if (!db->Query("SELECT MAX(`rank`) FROM hosts WHERE appliance = ? AND rack = ?",
                   {SqlParam::Int(app.id), SqlParam::Int(rack)}, &rows, err))
      return false;
    if (!rows.empty() && rows[0][0]) rank = CellInt(rows[0][0]) + 1;
  }
  std::vector<Interface> ifcs = h.interfaces;
  std::set<std::string> devices, macs, ips;
  for (Interface& ifc : ifcs) {
    if (!devices.insert(ifc.device).second) {
      *err = "device=" + ifc.device + ": given twice";
      return false;
    }
    if (!ifc.mac.empty() && !macs.insert(ifc.mac).second) {
      *err = "mac=" + ifc.mac + ": given twice";
      return false;
    }
    if (!ifc.ip.empty() && !ips.insert(ifc.ip).second) {
      *err = "ip=" + ifc.ip + ": given twice";
      return false;
    }
    if (!CheckInterface(db, 0, &ifc, err)) return false;
  }
  if (!CheckTopology(h.name, ifcs, err)) return false;
  if (!db->Exec("INSERT INTO hosts (name, appliance, rack, `rank`, cpus, memory, arch, os, "
                "comment, boot_action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {SqlParam::Text(h.name), SqlParam::Int(app.id), SqlParam::Int(rack),
                 SqlParam::Int(rank), SqlParam::Int(h.cpus), SqlParam::Int(h.memory),
                 SqlParam::Text(h.arch),
                 SqlParam::Text(h.os), SqlParam::Text(h.comment),
                 SqlParam::Text(h.boot_action)},
                err, id))
    return false;
  for (const Interface& ifc : ifcs)
    if (!InsertInterface(db, *id, ifc, err)) return false;
  return true;
}

bool SetHost(Database* db, const std::string& name, const KeyValues& kv,
             std::string* err) {
  if (kv.empty()) {
    *err = name + ": nothing to set";
    return false;
  }
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  if (!HostId(db, name, &id, err)) return false;
  for (const auto& [key, value] : kv) {
    int64_t n;
    std::string column;
    SqlParam param;
    if (key == "appliance" || key == "membership") {
      Appliance app;
      const std::string name = key == "membership" ? ToLower(value) : value;
      const std::string label = key + "=" + value;
      if (!ApplianceByName(db, name, &app, label, err) ||
          !CheckFrontendAppliance(db, id, app.name, label, err))
        return false;
      column = "appliance";
      param = SqlParam::Int(app.id);
    } else if (key == "rack" || key == "rank" || key == "cpus" || key == "memory") {
      if (!ParseCount(key, value, &n, err)) return false;
      column = key == "rank" ? "`rank`" : key;
      param = SqlParam::Int(n);
    } else if (key == "arch" || key == "os" || key == "comment") {
      if (!CheckLength(key, value, key == "comment" ? kMaxCommentLength : kMaxArchLength,
                       err))
        return false;
      column = key;
      param = SqlParam::Text(value);
    } else if (key == "action") {
      if (!ParseAction(value, err)) return false;
      column = "boot_action";
      param = SqlParam::Text(value);
    } else if (key == "name") {
      if (!ValidHostName(value)) {
        *err = "name=" + value + ": invalid host name";
        return false;
      }
      if (ReservedHostName(value)) {
        *err = "name=" + value + ": reserved host name";
        return false;
      }
      if (!CheckOneLabel("name=" + value, value, "host names", err)) return false;
      std::vector<SqlRow> rows;
      if (!db->Query("SELECT 1 FROM hosts WHERE name = ? AND id <> ?",
                     {SqlParam::Text(ToLower(value)), SqlParam::Int(id)}, &rows, err))
        return false;
      if (!rows.empty()) {
        *err = "name=" + value + ": host already exists";
        return false;
      }
      if (!CheckNotAlias(db, ToLower(value), "name=" + value, err)) return false;
      column = "name";
      param = SqlParam::Text(ToLower(value));
    } else {
      std::vector<std::string> expected(std::begin(kHostKeys), std::end(kHostKeys));
      expected.push_back("name");
      *err = UnknownKey(key, value, expected);
      return false;
    }
    if (!db->Exec("UPDATE hosts SET " + column + " = ? WHERE id = ?",
                  {param, SqlParam::Int(id)}, err))
      return false;
  }
  return tx.Commit(err);
}

bool SetBootAction(Database* db, const std::vector<std::string>& names,
                   const std::string& action, std::string* err) {
  if (!ParseAction(action, err)) return false;
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  for (const std::string& n : names) {
    int64_t id;
    if (!HostId(db, n, &id, err) ||
        !db->Exec("UPDATE hosts SET boot_action = ? WHERE id = ?",
                  {SqlParam::Text(action), SqlParam::Int(id)}, err))
      return false;
  }
  return tx.Commit(err);
}

bool RemoveHosts(Database* db, const std::vector<std::string>& names,
                 std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t frontend_id;
  std::string frontend;
  if (!FrontendHost(db, &frontend_id, &frontend, err)) return false;
  std::vector<int64_t> ids;
  for (const std::string& n : names) {
    int64_t id;
    if (!HostId(db, n, &id, err)) return false;
    if (id == frontend_id) {
      *err = n + ": the frontend cannot be removed";
      return false;
    }
    // A VM goes with its domain, and a container only once its VMs have.
    std::vector<SqlRow> rows;
    if (!db->Query("SELECT v.host, c.name, h.name FROM vm_slices v JOIN hosts c ON "
                   "c.id = v.container JOIN hosts h ON h.id = v.host WHERE v.host = ? "
                   "OR v.container = ? ORDER BY v.slice",
                   {SqlParam::Int(id), SqlParam::Int(id)}, &rows, err))
      return false;
    for (const SqlRow& r : rows) {
      *err = CellInt(r[0]) == id ? n + ": a VM on " + r[1].value_or("") +
                                   " (it goes with its domain)"
                             : n + ": holds VM " + r[2].value_or("");
      return false;
    }
    ids.push_back(id);
  }
  for (int64_t id : ids)
    if (!DeleteHostRows(db, id, err)) return false;
  return tx.Commit(err);
}

bool DeleteHostRows(Database* db, int64_t id, std::string* err) {
  const std::vector<SqlParam> p = {SqlParam::Int(id)};
  return db->Exec("DELETE FROM attributes WHERE scope = 'host' AND owner = ?", p, err) &&
         db->Exec("DELETE FROM install_events WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM aliases WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM interfaces WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM vm_slices WHERE host = ?", p, err) &&
         db->Exec("DELETE FROM hosts WHERE id = ?", p, err);
}

bool ListAliases(Database* db, std::vector<Alias>* out, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT a.name, h.name FROM aliases a JOIN hosts h ON h.id = a.host "
                 "ORDER BY a.name",
                 {}, &rows, err))
    return false;
  for (auto& r : rows) out->push_back({CellText(r[0]), CellText(r[1])});
  return true;
}

bool AddAlias(Database* db, const std::string& host, const std::string& given,
              std::string* err) {
  const std::string alias = ToLower(given);
  if (!ValidHostName(alias)) {
    *err = alias + ": invalid alias name";
    return false;
  }
  if (ReservedHostName(alias)) {
    *err = alias + ": reserved host name";
    return false;
  }
  if (!CheckOneLabel(alias, alias, "aliases", err)) return false;
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  if (!HostId(db, host, &id, err)) return false;
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT 'alias' FROM aliases WHERE name = ? UNION ALL "
                 "SELECT 'host' FROM hosts WHERE name = ?",
                 {SqlParam::Text(alias), SqlParam::Text(alias)}, &rows, err))
    return false;
  if (!rows.empty()) {
    *err = alias + ": already " + (CellText(rows[0][0]) == "alias" ? "an alias" : "a host") +
           " name";
    return false;
  }
  if (!db->Exec("INSERT INTO aliases (host, name) VALUES (?, ?)",
                {SqlParam::Int(id), SqlParam::Text(alias)}, err))
    return false;
  return tx.Commit(err);
}

bool RemoveAlias(Database* db, const std::string& alias, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t affected = 0;
  if (!db->Exec("DELETE FROM aliases WHERE name = ?", {SqlParam::Text(ToLower(alias))}, err,
                nullptr, &affected))
    return false;
  if (affected == 0) {
    *err = alias + ": unknown alias";
    return false;
  }
  return tx.Commit(err);
}

bool AddInstallEvent(Database* db, const InstallEvent& e, std::string* err) {
  Transaction tx(db);
  if (!tx.Begin(err)) return false;
  int64_t id;
  if (!HostId(db, e.host, &id, err)) return false;
  if (!db->Exec("INSERT INTO install_events (host, time, state, detail) "
                "VALUES (?, ?, ?, ?)",
                {SqlParam::Int(id), SqlParam::Int(e.time), SqlParam::Text(e.state),
                 SqlParam::Text(e.detail)},
                err))
    return false;
  return tx.Commit(err);
}

bool LastInstallEventId(Database* db, int64_t* id, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT MAX(id) FROM install_events", {}, &rows, err)) return false;
  *id = rows.empty() ? 0 : CellInt(rows[0][0]);
  return true;
}

bool ListInstallEvents(Database* db, int64_t after_id,
                       std::vector<InstallEvent>* out, int64_t* last_id,
                       std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query("SELECT e.id, h.name, e.time, e.state, e.detail FROM install_events e "
                 "JOIN hosts h ON h.id = e.host WHERE e.id > ? ORDER BY e.id",
                 {SqlParam::Int(after_id)}, &rows, err))
    return false;
  if (last_id) *last_id = after_id;
  for (auto& r : rows) {
    out->push_back({CellText(r[1]), CellInt(r[2]), CellText(r[3]), CellText(r[4])});
    if (last_id) *last_id = CellInt(r[0]);
  }
  return true;
}

}  // namespace rocks
