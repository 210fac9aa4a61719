#include "vm_cmd.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>

#include "cli.h"
#include "cluster.h"
#include "power.h"
#include "sol.h"
#include "vm.h"

namespace rocks {
namespace {

// Ctrl-], as virsh and telnet have it: the one escape of both consoles.
const char kEscape = 0x1d;
// How long a BMC has to open its serial-over-LAN session.
const double kSolTimeoutSeconds = 10;

int Fail(const std::string& what, const std::string& err) {
  return cli::Fail(what + ": " + err);
}

// create, start and remove: each host in turn, each container reached
// once; the first failure stops.
int EachVm(const std::string& what, const std::vector<std::string>& a,
           bool (*op)(Database*, const std::string&, VmConnections*, std::string*),
           Database* db) {
  if (a.empty()) return cli::Fail(what + ": missing HOST");
  VmConnections conns;
  std::string err;
  for (const std::string& h : a)
    if (!op(db, h, &conns, &err)) return Fail(what, err);
  return 0;
}

// The terminal in raw mode while the console runs, as it was after.
class RawTerminal {
 public:
  RawTerminal() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) < 0) return;
    struct termios raw = saved_;
    cfmakeraw(&raw);
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  bool active() const { return active_; }

 private:
  struct termios saved_ {};
  bool active_ = false;
};

}  // namespace

int AddHostVmCommand(Database* db, const std::vector<std::string>& a) {
  if (a.empty()) return cli::Fail("add host vm: missing CONTAINER");
  KeyValues kv;
  VmRequest req;
  VmSlice vm;
  std::string err;
  if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) ||
      !ParseVmRequest(a[0], kv, &req, &err) || !AddVm(db, req, &vm, &err))
    return Fail("add host vm", err);
  // The one line a script reads back: which host the VM is.
  std::printf("Added VM %s on %s (slice %lld)\n", vm.host.c_str(), vm.container.c_str(),
              static_cast<long long>(vm.slice));
  return 0;
}

int ListHostVmCommand(Database* db, OutputFormat format, const std::vector<std::string>& a) {
  std::vector<VmSlice> vms;
  std::vector<DomainState> states;
  std::string err;
  if (!ListVms(db, a, &vms, &err) || !VmStates(db, vms, &states, &err))
    return Fail("list host vm", err);
  Table t;
  t.name = "vms";
  t.columns = {{"VM-HOST"}, {"SLICE", true}, {"MEM", true}, {"CPUS", true},
               {"MAC"},     {"HOST"},        {"STATUS"}};
  for (size_t i = 0; i < vms.size(); ++i) {
    const VmSlice& v = vms[i];
    t.rows.push_back({v.container, std::to_string(v.slice), std::to_string(v.mem_mib),
                      std::to_string(v.cpus), v.mac, v.host, DomainStateName(states[i])});
  }
  std::fputs(RenderTable(t, format).c_str(), stdout);
  return 0;
}

namespace {

// A host that is not a VM: its BMC's serial-over-LAN, when power=ipmi.
int SolConsole(Database* db, const std::string& host) {
  Host h;
  bool found;
  std::vector<Attr> attrs;
  PowerPlan plan;
  std::string err;
  if (!FindHost(db, host, &h, &found, &err)) return Fail("console", err);
  if (!found) return Fail("console", host + ": unknown host");
  if (!ResolveAttrs(db, AttrScope::kHost, host, &attrs, &err)) return Fail("console", err);
  std::string power;
  for (const Attr& x : attrs)
    if (x.name == "power") power = x.value;
  if (power != "ipmi")
    return Fail("console", host + ": no console (not a VM, and power is " +
                               (power.empty() ? "not set" : "'" + power + "'") +
                               ", not ipmi)");
  if (!PlanPower(host, attrs, &plan, &err)) return Fail("console", host + ": " + err);
  bool ok;
  {
    RawTerminal term;
    if (term.active()) std::fputs("Escape character is ^]\r\n", stderr);
    ok = RunSolConsole(plan, STDIN_FILENO, STDOUT_FILENO, kEscape, kSolTimeoutSeconds, &err);
  }
  return ok ? 0 : Fail("console", host + ": " + err);
}

}  // namespace

int ConsoleCommand(Database* db, const std::vector<std::string>& a) {
  if (a.size() != 1)
    return cli::Fail(a.empty() ? "console: missing HOST"
                               : "console: unexpected argument '" + a[1] + "'");
  VmSlice vm;
  bool is_vm;
  std::string why;
  if (!FindVm(db, a[0], &vm, &is_vm, &why)) return Fail("console", why);
  if (!is_vm) return SolConsole(db, a[0]);
  VmContainer c;
  VirtConnection conn;
  std::string err;
  if (!OpenVm(db, a[0], true, &c, &conn, &err)) return Fail("console", err);
  bool ok;
  {
    RawTerminal term;
    if (term.active()) std::fputs("Escape character is ^]\r\n", stderr);
    ok = conn.RunConsole(a[0], STDIN_FILENO, STDOUT_FILENO, kEscape, &err);
  }
  return ok ? 0 : Fail("console", c.name + ": " + err);
}

int SetHostVmCommand(Database* db, const std::vector<std::string>& a) {
  if (a.empty()) return cli::Fail("set host vm: missing HOST");
  KeyValues kv;
  std::string err;
  if (!ParseKeyValues({a.begin() + 1, a.end()}, &kv, &err) || !SetVm(db, a[0], kv, &err))
    return Fail("set host vm", err);
  return 0;
}

int CreateHostVmCommand(Database* db, const std::vector<std::string>& a) {
  return EachVm("create host vm", a, CreateVm, db);
}

int StartHostVmCommand(Database* db, const std::vector<std::string>& a) {
  return EachVm("start host vm", a, StartVm, db);
}

int StopHostVmCommand(Database* db, const std::vector<std::string>& a, bool force) {
  if (a.empty()) return cli::Fail("stop host vm: missing HOST");
  VmConnections conns;
  std::string err;
  for (const std::string& h : a)
    if (!StopVm(db, h, force, &conns, &err)) return Fail("stop host vm", err);
  return 0;
}

int RemoveHostVmCommand(Database* db, const std::vector<std::string>& a) {
  return EachVm("remove host vm", a, RemoveVm, db);
}

}  // namespace rocks
