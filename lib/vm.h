// Virtual nodes: hosts that are libvirt domains on a VM container (a host
// of the vm-container appliance). A VM is a host like any other (appliance,
// rack, rank, MAC, IP, attributes, kickstart) plus its slice on the
// container: slice number, memory, CPUs and disk, in the vm_slices table.
// Its name is APPLIANCE-RACK-RANK-SLICE after the container's rack and
// rank; its MAC comes from the KVM range (52:54:00), unique in the cluster.
//
// The container's attributes (resolved host over appliance over global):
//   vm_connect   its libvirt URI (default qemu+ssh://CONTAINER/system)
//   vm_bridge    its bridge on the private network (default br0)
//   vm_disk_dir  where the guests' disks go (default /var/lib/libvirt/images)
//
// Every operation checks before it changes anything, and undoes its
// libvirt half when its database half fails: no row without its domain's
// place checked, no domain without its row.
#ifndef ROCKS_LIB_VM_H_
#define ROCKS_LIB_VM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cluster.h"
#include "db.h"
#include "virt.h"

namespace rocks {

/// How a container is reached and where its guests go.
struct VmContainer {
  std::string name;
  std::string uri;
  std::string bridge = "br0";
  std::string disk_dir = "/var/lib/libvirt/images";
};

/// The settings of container `name` from its resolved attributes.
VmContainer VmContainerOf(const std::string& name, const std::vector<Attr>& attrs);

/// A size as typed: MiB bare or with M, GiB with G, TiB with T.
bool ParseSizeMib(const std::string& text, int64_t* mib);

/// What `add host vm` asks for.
struct VmRequest {
  std::string container;
  std::string appliance;
  std::string name;  ///< "" = APPLIANCE-RACK-RANK-SLICE
  int64_t mem_mib = 1024;
  int64_t cpus = 1;
  int64_t disk_mib = 36 * 1024;
};

/// From `appliance= mem= cpus= disk= name=`.
bool ParseVmRequest(const std::string& container, const KeyValues& kv, VmRequest* out,
                    std::string* err);

/// The lowest slice number (from 1) not in `used`.
int64_t NextSlice(const std::set<int64_t>& used);

/// The lowest MAC of 52:54:00:00:00:01 to 52:54:00:ff:ff:ff not in `used`
/// (normalised, lower case); false when all are taken.
bool ChooseMac(const std::set<std::string>& used, std::string* mac);

/// "compute-0-0-1".
std::string VmHostName(const std::string& appliance, int64_t rack, int64_t rank,
                       int64_t slice);

/// Whether a VM of `mem_mib`, `cpus`, `disk_mib` fits a container that has
/// `have` and gives `committed_mib` to its other VMs. The error says what
/// is short: "not enough memory: 4096 MiB asked, 2048 MiB of 8192 MiB left".
bool CheckFits(int64_t mem_mib, int64_t cpus, int64_t disk_mib, const NodeResources& have,
               int64_t committed_mib, const std::string& disk_dir, std::string* err);

/// One VM as the database knows it.
struct VmSlice {
  std::string host;
  std::string container;
  int64_t slice = 0;
  int64_t mem_mib = 0;
  int64_t cpus = 0;
  int64_t disk_mib = 0;
  std::string mac;
};

/// The VMs, by container and slice. With `names`, those hosts: a VM, or a
/// container for all of its VMs; a name that is neither is an error.
bool ListVms(Database* db, const std::vector<std::string>& names,
             std::vector<VmSlice>* out, std::string* err);

/// The VM called `host`; `found` false (no error) when it is no VM.
bool FindVm(Database* db, const std::string& host, VmSlice* out, bool* found,
            std::string* err);

/// The container called `name` with its settings. Errors: "NAME: unknown
/// host", "NAME: not a VM container (appliance compute)".
bool FindVmContainer(Database* db, const std::string& name, VmContainer* out,
                     std::string* err);

/// Adds the VM's host and slice (one transaction) once its container is
/// reached, has room and has no domain of that name. Errors name the
/// container or the new host.
bool AddVm(Database* db, const VmRequest& request, VmSlice* out, std::string* err);

/// Records or changes the slice of an existing host in the database only
/// (`container= slice= mem= cpus= disk=`); its domain, if defined, is
/// left as it is until the next `create host vm`. A host that is no VM yet
/// needs container=; without slice= it takes the container's first free
/// slice. Errors: "HOST: unknown host", "CONTAINER: slice 1 is HOST's".
bool SetVm(Database* db, const std::string& host, const KeyValues& kv, std::string* err);
/// The connections of one command, one per container, each opened when
/// it is first needed: a command on several VMs reaches each of their
/// containers once (with qemu+ssh, one ssh session each).
class VmConnections {
 public:
  /// The connection to `c`. Errors: "CONTAINER: cannot connect to URI: why".
  bool Get(const VmContainer& c, VirtConnection** out, std::string* err);

 private:
  std::map<std::string, std::unique_ptr<VirtConnection>> open_;
};

/// Defines the VM's domain (its disk, its NIC on the container's bridge,
/// PXE first) on its container.
bool CreateVm(Database* db, const std::string& host, VmConnections* conns,
              std::string* err);
bool StartVm(Database* db, const std::string& host, VmConnections* conns,
             std::string* err);
/// A graceful shutdown, or with `force` pulling the plug.
bool StopVm(Database* db, const std::string& host, bool force, VmConnections* conns,
            std::string* err);
/// Undefines the domain and deletes its disk, then removes the host.
bool RemoveVm(Database* db, const std::string& host, VmConnections* conns,
              std::string* err);

/// The state of each VM's domain, asking each container once. A container
/// that cannot be reached is an error.
bool VmStates(Database* db, const std::vector<VmSlice>& vms,
              std::vector<DomainState>* out, std::string* err);

/// The container and its connection for VM `host`, for its console.
bool OpenVm(Database* db, const std::string& host, bool events, VmContainer* container,
            VirtConnection* conn, std::string* err);

/// For shoot-node: a VM whose `power` is not set on the host itself is
/// power=libvirt, and gets `vm_connect` (its container's URI). Other hosts'
/// attributes are left as they are.
bool AddVmPowerAttrs(Database* db, const std::string& host, std::vector<Attr>* attrs,
                     std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_VM_H_
