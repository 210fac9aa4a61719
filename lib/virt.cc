#include "virt.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "strutil.h"
#include "xml_tree.h"

namespace rocks {
namespace {

// libvirt prints every error on stderr unless told otherwise; a unit of
// lib/ says what went wrong through its error string only.
void Quiet(void*, virErrorPtr) {}

std::string LastError() {
  const char* m = virGetLastErrorMessage();
  return m && *m ? m : "unknown libvirt error";
}

int LastErrorCode() {
  virErrorPtr e = virGetLastError();
  return e ? e->code : VIR_ERR_OK;
}

struct DomainFree {
  void operator()(virDomainPtr d) const { virDomainFree(d); }
};
struct PoolFree {
  void operator()(virStoragePoolPtr p) const { virStoragePoolFree(p); }
};
struct VolFree {
  void operator()(virStorageVolPtr v) const { virStorageVolFree(v); }
};
struct StreamFree {
  void operator()(virStreamPtr s) const { virStreamFree(s); }
};
using Domain = std::unique_ptr<virDomain, DomainFree>;
using Pool = std::unique_ptr<virStoragePool, PoolFree>;
using Vol = std::unique_ptr<virStorageVol, VolFree>;
using Stream = std::unique_ptr<virStream, StreamFree>;

DomainState StateOf(int state) {
  switch (state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED: return DomainState::kRunning;
    case VIR_DOMAIN_PAUSED:
    case VIR_DOMAIN_PMSUSPENDED: return DomainState::kPaused;
    case VIR_DOMAIN_SHUTOFF:
    case VIR_DOMAIN_CRASHED: return DomainState::kShutoff;
    default: return DomainState::kOther;
  }
}

std::string VolumeName(const std::string& domain) { return domain + ".qcow2"; }

// The pool for `dir`: the one already there, or a new one rocks keeps
// (persistent, started, autostarted).
bool PoolFor(virConnectPtr conn, const std::string& dir, Pool* out, std::string* err) {
  virStoragePoolPtr p = virStoragePoolLookupByTargetPath(conn, dir.c_str());
  if (!p) {
    if (LastErrorCode() != VIR_ERR_NO_STORAGE_POOL) {
      *err = "storage pool of " + dir + ": " + LastError();
      return false;
    }
    p = virStoragePoolDefineXML(conn, DirPoolXml(PoolNameFor(dir), dir).c_str(), 0);
    if (!p) {
      *err = "storage pool of " + dir + ": " + LastError();
      return false;
    }
    out->reset(p);
    if (virStoragePoolBuild(p, 0) < 0 || virStoragePoolSetAutostart(p, 1) < 0) {
      *err = "storage pool of " + dir + ": " + LastError();
      virStoragePoolUndefine(p);
      return false;
    }
  } else {
    out->reset(p);
  }
  int active = virStoragePoolIsActive(p);
  if (active == 0 && virStoragePoolCreate(p, 0) < 0) active = -1;
  if (active < 0 || virStoragePoolRefresh(p, 0) < 0) {
    *err = "storage pool of " + dir + ": " + LastError();
    return false;
  }
  return true;
}

}  // namespace

std::string DomainXml(const DomainSpec& s) {
  std::string x;
  x += "<domain type=\"" + XmlEscapeAttr(s.type) + "\">\n";
  x += "  <name>" + XmlEscape(s.name) + "</name>\n";
  x += "  <memory unit=\"MiB\">" + std::to_string(s.mem_mib) + "</memory>\n";
  x += "  <vcpu>" + std::to_string(s.cpus) + "</vcpu>\n";
  x += "  <os>\n    <type arch=\"x86_64\">hvm</type>\n";
  x += "    <boot dev=\"network\"/>\n    <boot dev=\"hd\"/>\n  </os>\n";
  x += "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n";
  x += "  <on_poweroff>destroy</on_poweroff>\n";
  x += "  <on_reboot>restart</on_reboot>\n";
  x += "  <on_crash>destroy</on_crash>\n";
  x += "  <devices>\n";
  x += "    <disk type=\"file\" device=\"disk\">\n";
  x += "      <driver name=\"qemu\" type=\"qcow2\"/>\n";
  x += "      <source file=\"" + XmlEscapeAttr(s.disk) + "\"/>\n";
  x += "      <target dev=\"vda\" bus=\"virtio\"/>\n    </disk>\n";
  x += "    <interface type=\"bridge\">\n";
  x += "      <mac address=\"" + XmlEscapeAttr(s.mac) + "\"/>\n";
  x += "      <source bridge=\"" + XmlEscapeAttr(s.bridge) + "\"/>\n";
  x += "      <model type=\"virtio\"/>\n    </interface>\n";
  x += "    <serial type=\"pty\">\n      <target port=\"0\"/>\n    </serial>\n";
  x += "    <console type=\"pty\">\n      <target type=\"serial\" port=\"0\"/>\n    </console>\n";
  x += "  </devices>\n</domain>\n";
  return x;
}

std::string VolumeXml(const std::string& name, int64_t mib) {
  return "<volume>\n  <name>" + XmlEscape(name) + "</name>\n" +
         "  <capacity unit=\"MiB\">" + std::to_string(mib) + "</capacity>\n" +
         "  <allocation>0</allocation>\n" +
         "  <target>\n    <format type=\"qcow2\"/>\n  </target>\n</volume>\n";
}

std::string DirPoolXml(const std::string& name, const std::string& path) {
  return "<pool type=\"dir\">\n  <name>" + XmlEscape(name) + "</name>\n" +
         "  <target>\n    <path>" + XmlEscape(path) + "</path>\n  </target>\n</pool>\n";
}

std::string PoolNameFor(const std::string& dir) {
  std::string name = "rocks";
  for (char c : dir) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (plain) {
      name += c;
    } else if (name.back() != '-') {
      name += '-';
    }
  }
  while (name.size() > 5 && name.back() == '-') name.pop_back();
  return name;
}

const char* DomainStateName(DomainState state) {
  switch (state) {
    case DomainState::kUndefined: return "undefined";
    case DomainState::kShutoff: return "off";
    case DomainState::kRunning: return "running";
    case DomainState::kPaused: return "paused";
    case DomainState::kOther: return "other";
  }
  return "other";
}

VirtConnection::~VirtConnection() {
  if (pool_) virStoragePoolFree(pool_);
  if (conn_) virConnectClose(conn_);
}

bool VirtConnection::Fail(const std::string& what, std::string* err) const {
  *err = what + ": " + LastError();
  return false;
}

bool VirtConnection::PoolOf(const std::string& dir, virStoragePoolPtr* out,
                            std::string* err) {
  if (!pool_ || pool_dir_ != dir) {
    Pool p;
    if (!PoolFor(conn_, dir, &p, err)) return false;
    if (pool_) virStoragePoolFree(pool_);
    pool_ = p.release();
    pool_dir_ = dir;
  }
  *out = pool_;
  return true;
}

bool VirtConnection::Open(const std::string& uri, bool events, std::string* err) {
  virSetErrorFunc(nullptr, Quiet);
  if (events && virEventRegisterDefaultImpl() < 0)
    return Fail("libvirt event loop", err);
  uri_ = uri;
  conn_ = virConnectOpenAuth(uri.c_str(), virConnectAuthPtrDefault, 0);
  if (!conn_) return Fail("cannot connect to " + uri, err);
  return true;
}

bool VirtConnection::Resources(const std::string& disk_dir, NodeResources* out,
                               std::string* err) {
  virNodeInfo info;
  if (virNodeGetInfo(conn_, &info) < 0) return Fail("node info", err);
  out->cpus = info.cpus;
  out->mem_mib = static_cast<int64_t>(info.memory / 1024);
  unsigned long long free_bytes = virNodeGetFreeMemory(conn_);
  if (free_bytes == 0) return Fail("free memory", err);
  out->free_mem_mib = static_cast<int64_t>(free_bytes >> 20);
  virStoragePoolPtr pool;
  if (!PoolOf(disk_dir, &pool, err)) return false;
  virStoragePoolInfo pinfo;
  if (virStoragePoolGetInfo(pool, &pinfo) < 0)
    return Fail("storage pool of " + disk_dir, err);
  out->free_disk_mib = static_cast<int64_t>(pinfo.available >> 20);
  return true;
}

bool VirtConnection::State(const std::string& name, DomainState* out, std::string* err) {
  Domain d(virDomainLookupByName(conn_, name.c_str()));
  if (!d) {
    if (LastErrorCode() != VIR_ERR_NO_DOMAIN) return Fail("domain " + name, err);
    *out = DomainState::kUndefined;
    return true;
  }
  int state, reason;
  if (virDomainGetState(d.get(), &state, &reason, 0) < 0)
    return Fail("domain " + name, err);
  *out = StateOf(state);
  return true;
}

bool VirtConnection::States(std::map<std::string, DomainState>* out, std::string* err) {
  // One round trip for all of them, not one per domain.
  virDomainStatsRecordPtr* stats = nullptr;
  int n = virConnectGetAllDomainStats(conn_, VIR_DOMAIN_STATS_STATE, &stats, 0);
  if (n < 0) return Fail("list of domains", err);
  for (int i = 0; i < n; ++i) {
    int state = -1;
    virTypedParamsGetInt(stats[i]->params, stats[i]->nparams, "state.state", &state);
    (*out)[virDomainGetName(stats[i]->dom)] = StateOf(state);
  }
  virDomainStatsRecordListFree(stats);
  return true;
}

bool VirtConnection::Define(DomainSpec spec, const std::string& disk_dir,
                            int64_t disk_mib, std::string* err) {
  DomainState state;
  if (!State(spec.name, &state, err)) return false;
  if (state != DomainState::kUndefined) {
    *err = "domain " + spec.name + " already exists";
    return false;
  }
  char* caps = virConnectGetCapabilities(conn_);
  if (!caps) return Fail("capabilities", err);
  spec.type = std::strstr(caps, "<domain type='kvm'") ? "kvm" : "qemu";
  std::free(caps);
  virStoragePoolPtr pool;
  if (!PoolOf(disk_dir, &pool, err)) return false;
  const std::string vol_name = VolumeName(spec.name);
  if (Vol(virStorageVolLookupByName(pool, vol_name.c_str()))) {
    *err = "disk " + vol_name + " already exists in " + disk_dir;
    return false;
  }
  Vol vol(virStorageVolCreateXML(pool, VolumeXml(vol_name, disk_mib).c_str(), 0));
  if (!vol) return Fail("disk " + vol_name + " in " + disk_dir, err);
  char* path = virStorageVolGetPath(vol.get());
  if (path) {
    spec.disk = path;
    std::free(path);
    if (Domain(virDomainDefineXML(conn_, DomainXml(spec).c_str()))) return true;
  }
  Fail("domain " + spec.name, err);
  virStorageVolDelete(vol.get(), 0);
  return false;
}

bool VirtConnection::Start(const std::string& name, std::string* err) {
  Domain d(virDomainLookupByName(conn_, name.c_str()));
  if (!d || virDomainCreate(d.get()) < 0) return Fail("domain " + name, err);
  return true;
}

bool VirtConnection::Stop(const std::string& name, bool force, std::string* err) {
  Domain d(virDomainLookupByName(conn_, name.c_str()));
  if (!d || (force ? virDomainDestroy(d.get()) : virDomainShutdown(d.get())) < 0)
    return Fail("domain " + name, err);
  return true;
}

bool VirtConnection::PowerCycle(const std::string& name, std::string* err) {
  Domain d(virDomainLookupByName(conn_, name.c_str()));
  if (!d) return Fail("domain " + name, err);
  int active = virDomainIsActive(d.get());
  if (active < 0 || (active == 1 && virDomainDestroy(d.get()) < 0) ||
      virDomainCreate(d.get()) < 0)
    return Fail("domain " + name, err);
  return true;
}

bool VirtConnection::Remove(const std::string& name, const std::string& disk_dir,
                            std::string* err) {
  Domain d(virDomainLookupByName(conn_, name.c_str()));
  if (!d && LastErrorCode() != VIR_ERR_NO_DOMAIN) return Fail("domain " + name, err);
  if (d) {
    if (virDomainIsActive(d.get()) == 1 && virDomainDestroy(d.get()) < 0)
      return Fail("domain " + name, err);
    unsigned flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                     VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                     VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_NVRAM;
    if (virDomainUndefineFlags(d.get(), flags) < 0) return Fail("domain " + name, err);
  }
  virStoragePoolPtr pool;
  if (!PoolOf(disk_dir, &pool, err)) return false;
  const std::string vol_name = VolumeName(name);
  Vol vol(virStorageVolLookupByName(pool, vol_name.c_str()));
  if (!vol) {
    if (LastErrorCode() == VIR_ERR_NO_STORAGE_VOL) return true;
    return Fail("disk " + vol_name, err);
  }
  if (virStorageVolDelete(vol.get(), 0) < 0) return Fail("disk " + vol_name, err);
  return true;
}

namespace {

// The console's state between event callbacks.
struct Console {
  virStreamPtr stream = nullptr;
  int in_fd = -1;
  int out_fd = -1;
  char escape = 0;
  int in_watch = -1;
  bool done = false;
  std::string error;
};

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

void StreamEvent(virStreamPtr st, int events, void* opaque) {
  Console* c = static_cast<Console*>(opaque);
  char buf[4096];
  for (;;) {
    int n = virStreamRecv(st, buf, sizeof buf);
    if (n == -2) break;
    if (n == 0) {
      c->done = true;
      return;
    }
    if (n < 0) {
      c->error = "console: " + LastError();
      c->done = true;
      return;
    }
    if (!WriteAll(c->out_fd, buf, static_cast<size_t>(n))) {
      c->error = ErrnoText("console output");
      c->done = true;
      return;
    }
  }
  if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) c->done = true;
}

void InputEvent(int watch, int fd, int events, void* opaque) {
  Console* c = static_cast<Console*>(opaque);
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    // End of input: the guest's output still comes.
    virEventRemoveHandle(watch);
    c->in_watch = -1;
    return;
  }
  size_t len = static_cast<size_t>(n);
  const void* esc = std::memchr(buf, c->escape, len);
  if (esc) {
    len = static_cast<size_t>(static_cast<const char*>(esc) - buf);
    c->done = true;
  }
  // Keystrokes are few: a full stream buffer drops them, as a serial
  // line would.
  if (len > 0) virStreamSend(c->stream, buf, len);
}

}  // namespace

bool VirtConnection::RunConsole(const std::string& name, int in_fd, int out_fd,
                                char escape, std::string* err) {
  Domain d(virDomainLookupByName(conn_, name.c_str()));
  if (!d) return Fail("domain " + name, err);
  if (virDomainIsActive(d.get()) != 1) {
    *err = "domain " + name + " is not running";
    return false;
  }
  Stream st(virStreamNew(conn_, VIR_STREAM_NONBLOCK));
  if (!st || virDomainOpenConsole(d.get(), nullptr, st.get(), VIR_DOMAIN_CONSOLE_FORCE) < 0)
    return Fail("console of " + name, err);
  Console c;
  c.stream = st.get();
  c.in_fd = in_fd;
  c.out_fd = out_fd;
  c.escape = escape;
  if (virStreamEventAddCallback(st.get(),
                                VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
                                    VIR_STREAM_EVENT_HANGUP,
                                StreamEvent, &c, nullptr) < 0)
    return Fail("console of " + name, err);
  c.in_watch = virEventAddHandle(in_fd, VIR_EVENT_HANDLE_READABLE, InputEvent, &c, nullptr);
  while (!c.done) {
    if (virEventRunDefaultImpl() < 0) {
      c.error = "console: " + LastError();
      break;
    }
  }
  if (c.in_watch >= 0) virEventRemoveHandle(c.in_watch);
  virStreamEventRemoveCallback(st.get());
  virStreamAbort(st.get());
  if (!c.error.empty()) {
    *err = c.error;
    return false;
  }
  return true;
}

}  // namespace rocks
