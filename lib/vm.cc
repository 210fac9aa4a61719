#include "vm.h"

#include <cstdio>
#include <map>

#include "discover.h"
#include "net.h"
#include "strutil.h"

namespace rocks {
namespace {

const char kContainerAppliance[] = "vm-container";

std::string FindAttr(const std::vector<Attr>& attrs, const std::string& name) {
  for (const Attr& a : attrs)
    if (a.name == name) return a.value;
  return "";
}

int64_t Int(const std::optional<std::string>& v) {
  int64_t n = 0;
  if (v) ParseInt(*v, &n);
  return n;
}

const char kVmSelect[] =
    "SELECT h.name, c.name, v.slice, v.mem, v.cpus, v.disk, "
    "(SELECT MIN(i.mac) FROM interfaces i WHERE i.host = h.id) "
    "FROM vm_slices v JOIN hosts h ON h.id = v.host JOIN hosts c ON c.id = v.container";

VmSlice SliceOf(const SqlRow& r) {
  VmSlice v;
  v.host = r[0].value_or("");
  v.container = r[1].value_or("");
  v.slice = Int(r[2]);
  v.mem_mib = Int(r[3]);
  v.cpus = Int(r[4]);
  v.disk_mib = Int(r[5]);
  v.mac = r[6].value_or("");
  return v;
}

bool OpenContainer(const VmContainer& c, bool events, VirtConnection* conn,
                   std::string* err) {
  if (conn->Open(c.uri, events, err)) return true;
  *err = c.name + ": " + *err;
  return false;
}

// The VM and its container.
bool FindVmOf(Database* db, const std::string& host, VmSlice* vm, VmContainer* c,
              std::string* err) {
  bool found;
  if (!FindVm(db, host, vm, &found, err)) return false;
  if (!found) {
    Host h;
    if (!FindHost(db, host, &h, &found, err)) return false;
    *err = host + (found ? ": not a VM" : ": unknown host");
    return false;
  }
  return FindVmContainer(db, vm->container, c, err);
}

// The VM, its container and a connection to it.
bool ReachVm(Database* db, const std::string& host, bool events, VmSlice* vm,
             VmContainer* c, VirtConnection* conn, std::string* err) {
  return FindVmOf(db, host, vm, c, err) && OpenContainer(*c, events, conn, err);
}

// The same through the command's connections.
bool ReachVm(Database* db, const std::string& host, VmConnections* conns, VmSlice* vm,
             VmContainer* c, VirtConnection** conn, std::string* err) {
  return FindVmOf(db, host, vm, c, err) && conns->Get(*c, conn, err);
}

}  // namespace

bool VmConnections::Get(const VmContainer& c, VirtConnection** out, std::string* err) {
  auto it = open_.find(c.name);
  if (it == open_.end()) {
    auto conn = std::make_unique<VirtConnection>();
    if (!OpenContainer(c, false, conn.get(), err)) return false;
    it = open_.emplace(c.name, std::move(conn)).first;
  }
  *out = it->second.get();
  return true;
}

VmContainer VmContainerOf(const std::string& name, const std::vector<Attr>& attrs) {
  VmContainer c;
  c.name = name;
  c.uri = FindAttr(attrs, "vm_connect");
  if (c.uri.empty()) c.uri = "qemu+ssh://" + name + "/system";
  std::string bridge = FindAttr(attrs, "vm_bridge");
  if (!bridge.empty()) c.bridge = bridge;
  std::string dir = FindAttr(attrs, "vm_disk_dir");
  if (!dir.empty()) c.disk_dir = dir;
  return c;
}

bool ParseSizeMib(const std::string& text, int64_t* mib) {
  if (text.empty()) return false;
  int64_t scale = 1;
  std::string digits = text;
  switch (text.back()) {
    case 'M': case 'm': digits.pop_back(); break;
    case 'G': case 'g': scale = 1024; digits.pop_back(); break;
    case 'T': case 't': scale = 1024 * 1024; digits.pop_back(); break;
    default: break;
  }
  int64_t n;
  if (!ParseInt(digits, &n) || n < 1 || n > (INT64_C(1) << 40) / scale) return false;
  *mib = n * scale;
  return true;
}

// mem=, disk= (sizes) and cpus= (a count), as add and set host vm take them.
bool ParseVmFigure(const std::string& key, const std::string& value, int64_t* n,
                   std::string* err) {
  if (key == "cpus") return ParseNumber("cpus=" + value, value, 1, 4096, n, err);
  if (ParseSizeMib(value, n)) return true;
  *err = key + "=" + value + ": invalid size (expected MiB, or a number with M, G or T)";
  return false;
}

bool ParseVmRequest(const std::string& container, const KeyValues& kv, VmRequest* out,
                    std::string* err) {
  VmRequest r;
  r.container = ToLower(container);
  for (const auto& [key, value] : kv) {
    int64_t n;
    if (key == "appliance") {
      r.appliance = value;
    } else if (key == "name") {
      r.name = ToLower(value);
    } else if (key == "mem" || key == "disk" || key == "cpus") {
      if (!ParseVmFigure(key, value, &n, err)) return false;
      (key == "mem" ? r.mem_mib : key == "disk" ? r.disk_mib : r.cpus) = n;
    } else {
      *err = key + "=" + value + ": unknown key (expected appliance, mem, cpus, disk or name)";
      return false;
    }
  }
  if (r.appliance.empty()) {
    *err = r.container + ": missing appliance=";
    return false;
  }
  *out = r;
  return true;
}

int64_t NextSlice(const std::set<int64_t>& used) {
  int64_t s = 1;
  while (used.count(s)) ++s;
  return s;
}

bool ChooseMac(const std::set<std::string>& used, std::string* mac) {
  for (uint32_t n = 1; n <= 0xffffff; ++n) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "52:54:00:%02x:%02x:%02x", (n >> 16) & 0xff,
                  (n >> 8) & 0xff, n & 0xff);
    if (!used.count(buf)) {
      *mac = buf;
      return true;
    }
  }
  return false;
}

std::string VmHostName(const std::string& appliance, int64_t rack, int64_t rank,
                       int64_t slice) {
  return appliance + "-" + std::to_string(rack) + "-" + std::to_string(rank) + "-" +
         std::to_string(slice);
}

bool CheckFits(int64_t mem_mib, int64_t cpus, int64_t disk_mib, const NodeResources& have,
               int64_t committed_mib, const std::string& disk_dir, std::string* err) {
  int64_t left = have.mem_mib - committed_mib;
  if (mem_mib > left) {
    *err = "not enough memory: " + std::to_string(mem_mib) + " MiB asked, " +
           std::to_string(left < 0 ? 0 : left) + " MiB of " +
           std::to_string(have.mem_mib) + " MiB left";
    return false;
  }
  if (mem_mib > have.free_mem_mib) {
    *err = "not enough free memory: " + std::to_string(mem_mib) + " MiB asked, " +
           std::to_string(have.free_mem_mib) + " MiB free";
    return false;
  }
  if (cpus > have.cpus) {
    *err = "not enough CPUs: " + std::to_string(cpus) + " asked, " +
           std::to_string(have.cpus) + " there";
    return false;
  }
  if (disk_mib > have.free_disk_mib) {
    *err = "not enough disk in " + disk_dir + ": " + std::to_string(disk_mib) +
           " MiB asked, " + std::to_string(have.free_disk_mib) + " MiB free";
    return false;
  }
  return true;
}

bool ListVms(Database* db, const std::vector<std::string>& names,
             std::vector<VmSlice>* out, std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query(std::string(kVmSelect) + " ORDER BY c.name, v.slice", {}, &rows, err))
    return false;
  std::vector<VmSlice> all;
  for (const SqlRow& r : rows) all.push_back(SliceOf(r));
  if (names.empty()) {
    *out = all;
    return true;
  }
  out->clear();
  for (const std::string& given : names) {
    std::string n = ToLower(given);
    bool any = false;
    for (const VmSlice& v : all) {
      if (v.host != n && v.container != n) continue;
      out->push_back(v);
      any = true;
    }
    if (any) continue;
    Host h;
    bool found;
    if (!FindHost(db, n, &h, &found, err)) return false;
    if (!found) {
      *err = given + ": unknown host";
      return false;
    }
    if (h.appliance != kContainerAppliance) {
      *err = given + ": not a VM or a VM container";
      return false;
    }
  }
  return true;
}

bool FindVm(Database* db, const std::string& host, VmSlice* out, bool* found,
            std::string* err) {
  std::vector<SqlRow> rows;
  if (!db->Query(std::string(kVmSelect) + " WHERE h.name = ?",
                 {SqlParam::Text(ToLower(host))}, &rows, err))
    return false;
  *found = !rows.empty();
  if (*found) *out = SliceOf(rows[0]);
  return true;
}

bool FindVmContainer(Database* db, const std::string& name, VmContainer* out,
                     std::string* err) {
  Host h;
  bool found;
  if (!FindHost(db, name, &h, &found, err)) return false;
  if (!found) {
    *err = name + ": unknown host";
    return false;
  }
  if (h.appliance != kContainerAppliance) {
    *err = h.name + ": not a VM container (appliance " + h.appliance + ")";
    return false;
  }
  std::vector<Attr> attrs;
  if (!ResolveAttrs(db, AttrScope::kHost, h.name, &attrs, err)) return false;
  *out = VmContainerOf(h.name, attrs);
  return true;
}

bool SetVm(Database* db, const std::string& host, const KeyValues& kv, std::string* err) {
  if (kv.empty()) {
    *err = host + ": nothing to set";
    return false;
  }
  Host h;
  bool found;
  if (!FindHost(db, host, &h, &found, err)) return false;
  if (!found) {
    *err = host + ": unknown host";
    return false;
  }
  if (h.appliance == "frontend" || h.appliance == kContainerAppliance) {
    *err = h.name + ": a " + h.appliance + " host is no VM";
    return false;
  }
  VmSlice v;
  bool is_vm;
  if (!FindVm(db, h.name, &v, &is_vm, err)) return false;
  if (!is_vm) {
    VmRequest defaults;
    v.mem_mib = defaults.mem_mib;
    v.cpus = defaults.cpus;
    v.disk_mib = defaults.disk_mib;
  }
  bool slice_given = false;
  for (const auto& [key, value] : kv) {
    if (key == "container") {
      v.container = ToLower(value);
    } else if (key == "slice") {
      if (!ParseNumber("slice=" + value, value, 1, 4096, &v.slice, err)) return false;
      slice_given = true;
    } else if (key == "mem" || key == "disk" || key == "cpus") {
      int64_t n;
      if (!ParseVmFigure(key, value, &n, err)) return false;
      (key == "mem" ? v.mem_mib : key == "disk" ? v.disk_mib : v.cpus) = n;
    } else {
      *err = key + "=" + value +
             ": unknown key (expected container, slice, mem, cpus or disk)";
      return false;
    }
  }
  if (v.container.empty()) {
    *err = h.name + ": not a VM yet (give container=)";
    return false;
  }
  VmContainer c;
  if (!FindVmContainer(db, v.container, &c, err)) return false;
  Transaction tx(db);
  std::vector<SqlRow> rows;
  if (!tx.Begin(err) ||
      !db->Query("SELECT v.slice, h.name FROM vm_slices v JOIN hosts h ON h.id = v.host "
                 "JOIN hosts c ON c.id = v.container WHERE c.name = ? AND h.id <> ?",
                 {SqlParam::Text(c.name), SqlParam::Int(h.id)}, &rows, err))
    return false;
  std::set<int64_t> used;
  for (const SqlRow& r : rows) used.insert(Int(r[0]));
  // A VM that moves to another container without slice= takes its first
  // free slice there.
  if (!slice_given && (!is_vm || v.container != ToLower(c.name) || used.count(v.slice)))
    v.slice = NextSlice(used);
  for (const SqlRow& r : rows)
    if (Int(r[0]) == v.slice) {
      *err = c.name + ": slice " + std::to_string(v.slice) + " is " + r[1].value_or("") +
             "'s";
      return false;
    }
  const std::vector<SqlParam> p = {SqlParam::Int(v.slice),   SqlParam::Int(v.mem_mib),
                                   SqlParam::Int(v.cpus),    SqlParam::Int(v.disk_mib),
                                   SqlParam::Text(c.name),   SqlParam::Int(h.id)};
  return db->Exec(is_vm ? "UPDATE vm_slices SET slice = ?, mem = ?, cpus = ?, disk = ?, "
                          "container = (SELECT id FROM hosts WHERE name = ?) WHERE host = ?"
                        : "INSERT INTO vm_slices (slice, mem, cpus, disk, container, host) "
                          "VALUES (?, ?, ?, ?, (SELECT id FROM hosts WHERE name = ?), ?)",
                  p, err) &&
         tx.Commit(err);
}

bool AddVm(Database* db, const VmRequest& req, VmSlice* out, std::string* err) {
  VmContainer c;
  if (!FindVmContainer(db, req.container, &c, err)) return false;
  Host container;
  bool found;
  if (!FindHost(db, c.name, &container, &found, err)) return false;
  Appliance app;
  if (!FindAppliance(db, req.appliance, &app, err)) return false;

  // What is in use, read before libvirt is asked: the connection may take
  // seconds (ssh), and the insert below runs in one short transaction that
  // reads it all again.
  auto plan = [&](NewHost* h, VmSlice* v, int64_t* committed) -> bool {
    std::vector<SqlRow> rows;
    if (!db->Query("SELECT v.slice, v.mem FROM vm_slices v WHERE v.container = ?",
                   {SqlParam::Int(container.id)}, &rows, err))
      return false;
    std::set<int64_t> slices;
    *committed = 0;
    for (const SqlRow& r : rows) {
      slices.insert(Int(r[0]));
      *committed += Int(r[1]);
    }
    rows.clear();
    if (!db->Query("SELECT mac FROM interfaces WHERE mac IS NOT NULL", {}, &rows, err))
      return false;
    std::set<std::string> macs;
    for (const SqlRow& r : rows) macs.insert(r[0].value_or(""));
    v->container = c.name;
    v->slice = NextSlice(slices);
    v->host = req.name.empty()
                  ? VmHostName(app.name, container.rack, container.rank, v->slice)
                  : req.name;
    v->mem_mib = req.mem_mib;
    v->cpus = req.cpus;
    v->disk_mib = req.disk_mib;
    if (!ChooseMac(macs, &v->mac)) {
      *err = v->host + ": no free MAC address in 52:54:00";
      return false;
    }
    Discoverer d;
    DiscoverOptions o;
    o.appliance = app.name;
    std::string ip;
    if (!d.Load(db, o, err) || !d.NextAddress(&ip, err)) {
      *err = v->host + ": " + *err;
      return false;
    }
    h->name = v->host;
    h->appliance = app.name;
    h->rack = container.rack;
    h->cpus = req.cpus;
    h->boot_action = "install";
    Interface ifc;
    ifc.device = "eth0";
    ifc.mac = v->mac;
    ifc.ip = ip;
    ifc.subnet = "private";
    h->interfaces = {ifc};
    return true;
  };
  NewHost h;
  VmSlice v;
  int64_t committed;
  if (!plan(&h, &v, &committed)) return false;
  bool exists;
  Host other;
  if (!FindHost(db, v.host, &other, &exists, err)) return false;
  if (exists) {
    *err = v.host + ": host already exists";
    return false;
  }

  VirtConnection conn;
  NodeResources have;
  DomainState state;
  if (!OpenContainer(c, false, &conn, err)) return false;
  if (!conn.Resources(c.disk_dir, &have, err) || !conn.State(v.host, &state, err) ||
      !CheckFits(v.mem_mib, v.cpus, v.disk_mib, have, committed, c.disk_dir, err)) {
    *err = c.name + ": " + *err;
    return false;
  }
  if (state != DomainState::kUndefined) {
    *err = c.name + ": domain " + v.host + " already exists";
    return false;
  }

  Transaction tx(db);
  int64_t id, again;
  if (!tx.Begin(err) || !plan(&h, &v, &again)) return false;
  if (again != committed &&
      !CheckFits(v.mem_mib, v.cpus, v.disk_mib, have, again, c.disk_dir, err)) {
    *err = c.name + ": " + *err;
    return false;
  }
  if (!InsertHost(db, h, &id, err) ||
      !db->Exec("INSERT INTO vm_slices (host, container, slice, mem, cpus, disk) "
                "SELECT ?, id, ?, ?, ?, ? FROM hosts WHERE name = ?",
                {SqlParam::Int(id), SqlParam::Int(v.slice), SqlParam::Int(v.mem_mib),
                 SqlParam::Int(v.cpus), SqlParam::Int(v.disk_mib), SqlParam::Text(c.name)},
                err) ||
      !tx.Commit(err))
    return false;
  *out = v;
  return true;
}

bool CreateVm(Database* db, const std::string& host, VmConnections* conns,
              std::string* err) {
  VmSlice vm;
  VmContainer c;
  VirtConnection* conn;
  if (!ReachVm(db, host, conns, &vm, &c, &conn, err)) return false;
  NodeResources have;
  DomainSpec spec;
  spec.name = vm.host;
  spec.mem_mib = vm.mem_mib;
  spec.cpus = vm.cpus;
  spec.mac = vm.mac;
  spec.bridge = c.bridge;
  // Nothing of this VM runs yet, so all of its memory is still to find.
  if (!conn->Resources(c.disk_dir, &have, err) ||
      !CheckFits(vm.mem_mib, vm.cpus, vm.disk_mib, have, 0, c.disk_dir, err) ||
      !conn->Define(spec, c.disk_dir, vm.disk_mib, err)) {
    *err = c.name + ": " + *err;
    return false;
  }
  return true;
}

bool StartVm(Database* db, const std::string& host, VmConnections* conns,
             std::string* err) {
  VmSlice vm;
  VmContainer c;
  VirtConnection* conn;
  if (!ReachVm(db, host, conns, &vm, &c, &conn, err)) return false;
  if (!conn->Start(vm.host, err)) {
    *err = c.name + ": " + *err;
    return false;
  }
  return true;
}

bool StopVm(Database* db, const std::string& host, bool force, VmConnections* conns,
            std::string* err) {
  VmSlice vm;
  VmContainer c;
  VirtConnection* conn;
  if (!ReachVm(db, host, conns, &vm, &c, &conn, err)) return false;
  if (!conn->Stop(vm.host, force, err)) {
    *err = c.name + ": " + *err;
    return false;
  }
  return true;
}

bool RemoveVm(Database* db, const std::string& host, VmConnections* conns,
              std::string* err) {
  VmSlice vm;
  VmContainer c;
  VirtConnection* conn;
  if (!ReachVm(db, host, conns, &vm, &c, &conn, err)) return false;
  // The domain first: a row left without its domain is put right by
  // running this again, a domain without its row would be lost.
  if (!conn->Remove(vm.host, c.disk_dir, err)) {
    *err = c.name + ": " + *err;
    return false;
  }
  Transaction tx(db);
  std::vector<SqlRow> rows;
  if (!tx.Begin(err) ||
      !db->Query("SELECT id FROM hosts WHERE name = ?", {SqlParam::Text(vm.host)}, &rows,
                 err))
    return false;
  for (const SqlRow& r : rows)
    if (!DeleteHostRows(db, Int(r[0]), err)) return false;
  return tx.Commit(err);
}

bool VmStates(Database* db, const std::vector<VmSlice>& vms,
              std::vector<DomainState>* out, std::string* err) {
  std::map<std::string, std::map<std::string, DomainState>> by_container;
  out->clear();
  for (const VmSlice& v : vms) {
    auto it = by_container.find(v.container);
    if (it == by_container.end()) {
      VmContainer c;
      VirtConnection conn;
      std::map<std::string, DomainState> states;
      if (!FindVmContainer(db, v.container, &c, err) ||
          !OpenContainer(c, false, &conn, err))
        return false;
      if (!conn.States(&states, err)) {
        *err = c.name + ": " + *err;
        return false;
      }
      it = by_container.emplace(v.container, std::move(states)).first;
    }
    auto s = it->second.find(v.host);
    out->push_back(s == it->second.end() ? DomainState::kUndefined : s->second);
  }
  return true;
}

bool OpenVm(Database* db, const std::string& host, bool events, VmContainer* container,
            VirtConnection* conn, std::string* err) {
  VmSlice vm;
  return ReachVm(db, host, events, &vm, container, conn, err);
}

bool AddVmPowerAttrs(Database* db, const std::string& host, std::vector<Attr>* attrs,
                     std::string* err) {
  VmSlice vm;
  bool found;
  if (!FindVm(db, host, &vm, &found, err)) return false;
  if (!found) return true;
  VmContainer c;
  if (!FindVmContainer(db, vm.container, &c, err)) return false;
  bool power_set = false;
  for (Attr& a : *attrs) {
    if (a.name == "power" && a.scope != AttrScope::kHost) a.value = "libvirt";
    power_set = power_set || a.name == "power";
  }
  if (!power_set) attrs->push_back({"power", "libvirt", AttrScope::kHost, host});
  for (auto it = attrs->begin(); it != attrs->end();)
    it = it->name == "vm_connect" ? attrs->erase(it) : it + 1;
  attrs->push_back({"vm_connect", c.uri, AttrScope::kHost, c.name});
  return true;
}

}  // namespace rocks
