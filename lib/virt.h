// A VM container's hypervisor through the libvirt C API: what the host has
// (CPUs, memory, free space where the disks go), and defining, starting,
// stopping, power-cycling, removing and attaching to the serial console of
// domains. One VirtConnection is one libvirt connection, local
// (qemu:///system) or remote (qemu+ssh://HOST/system).
//
// The domain and volume XML are made by pure functions, so that what a VM
// looks like is tested without a hypervisor.
#ifndef ROCKS_LIB_VIRT_H_
#define ROCKS_LIB_VIRT_H_

#include <cstdint>
#include <map>
#include <string>

struct _virConnect;
struct _virStoragePool;

namespace rocks {

/// One virtual node as its container defines it.
struct DomainSpec {
  std::string name;
  std::string type = "kvm";  ///< "kvm", or "qemu" (TCG) where there is no KVM
  int64_t mem_mib = 1024;
  int64_t cpus = 1;
  std::string mac;     ///< of its one NIC
  std::string bridge;  ///< the container's bridge on the private network
  std::string disk;    ///< path of its disk image on the container
};

/// The domain: PXE first, then its disk; the NIC on the bridge; the first
/// serial port is its console.
std::string DomainXml(const DomainSpec& spec);

/// A qcow2 volume of `mib` MiB (allocated as it is written).
std::string VolumeXml(const std::string& name, int64_t mib);

/// A directory storage pool at `path`.
std::string DirPoolXml(const std::string& name, const std::string& path);

/// The name of the pool rocks keeps for a directory: "rocks" and the path
/// ("/var/lib/libvirt/images" is "rocks-var-lib-libvirt-images").
std::string PoolNameFor(const std::string& dir);

/// What a container has.
struct NodeResources {
  int64_t cpus = 0;
  int64_t mem_mib = 0;        ///< all of it
  int64_t free_mem_mib = 0;   ///< not in use now
  int64_t free_disk_mib = 0;  ///< available in the disk directory
};

enum class DomainState { kUndefined, kShutoff, kRunning, kPaused, kOther };

/// "undefined", "off", "running", "paused", "other".
const char* DomainStateName(DomainState state);

class VirtConnection {
 public:
  VirtConnection() = default;
  ~VirtConnection();
  VirtConnection(const VirtConnection&) = delete;
  VirtConnection& operator=(const VirtConnection&) = delete;

  /// Connects to `uri`. With `events`, libvirt's event loop is set up
  /// first (RunConsole needs it). Errors: "cannot connect to URI: why".
  bool Open(const std::string& uri, bool events, std::string* err);

  /// The host's CPUs and memory and the free space in `disk_dir`, whose
  /// storage pool is made (and kept) when there is none. The pool is read
  /// again (refreshed) once a connection: Define and Remove after it use
  /// what this one saw.
  bool Resources(const std::string& disk_dir, NodeResources* out, std::string* err);

  bool State(const std::string& name, DomainState* out, std::string* err);
  /// Every domain's state, by name, in one call.
  bool States(std::map<std::string, DomainState>* out, std::string* err);

  /// Makes the disk (`disk_mib` MiB, named NAME.qcow2 in `disk_dir`) and
  /// defines the domain on it; if defining fails, the disk goes again.
  /// `spec.disk` and `spec.type` are filled here. Errors: "domain NAME
  /// already exists", "disk NAME.qcow2 already exists in DIR", libvirt's.
  bool Define(DomainSpec spec, const std::string& disk_dir, int64_t disk_mib,
              std::string* err);
  bool Start(const std::string& name, std::string* err);
  /// Asks the guest to shut down (ACPI), or with `force` pulls the plug.
  bool Stop(const std::string& name, bool force, std::string* err);
  /// Off and on again (on only, when it is off).
  bool PowerCycle(const std::string& name, std::string* err);
  /// Pulls the plug if running, undefines it and deletes its disk. A
  /// domain that is not there is not an error.
  bool Remove(const std::string& name, const std::string& disk_dir, std::string* err);

  /// Attaches to the domain's serial console: what the guest writes goes
  /// to `out_fd`, what is read from `in_fd` to the guest, until the
  /// console closes (the guest stops) or `escape` is read. End of input
  /// only stops the sending. Needs Open(..., events = true).
  bool RunConsole(const std::string& name, int in_fd, int out_fd, char escape,
                  std::string* err);

  const std::string& uri() const { return uri_; }

 private:
  bool Fail(const std::string& what, std::string* err) const;
  /// The pool of `dir`, refreshed on its first use on this connection.
  bool PoolOf(const std::string& dir, _virStoragePool** out, std::string* err);

  _virConnect* conn_ = nullptr;
  _virStoragePool* pool_ = nullptr;  ///< of pool_dir_
  std::string pool_dir_;
  std::string uri_;
};

}  // namespace rocks

#endif  // ROCKS_LIB_VIRT_H_
