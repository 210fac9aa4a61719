// The cluster's appliances: the kinds of node (compute, login, nas, gpu,
// storage, vm-container...), each with its short name (aliases c0-0), the
// root node of its kickstart graph and whether insert-ethers offers it and
// the batch system lists it. `rocks init` makes the usual ones; a cluster
// adds its own.
//
// Keys (`rocks add appliance NAME KEY=VALUE...`):
//   short=S         short name for aliases (Rocks 6: short-name=); default NAME
//   node=N          root node of its graph; default NAME
//   graph=G         the graph (default "default")
//   public=yes|no   offered by insert-ethers (yes)
//   compute=yes|no  listed in machines and batch node lists (no)
#ifndef ROCKS_LIB_APPLIANCE_H_
#define ROCKS_LIB_APPLIANCE_H_

#include <string>
#include <vector>

#include "model.h"

namespace rocks {

/// The appliances, by name.
bool ListAppliances(Database* db, std::vector<Appliance>* out, std::string* err);
bool FindAppliance(Database* db, const std::string& name, Appliance* out,
                   std::string* err);
/// FindAppliance with `label` starting the message when there is none
/// ("appliance=compte: unknown appliance (did you mean 'compute'?)").
bool ApplianceByName(Database* db, const std::string& name, Appliance* out,
                     const std::string& label, std::string* err);

bool AddAppliance(Database* db, const std::string& name, const KeyValues& kv,
                  std::string* err);

/// Changes the keys given.
bool SetAppliance(Database* db, const std::string& name, const KeyValues& kv,
                  std::string* err);

/// Refused while a host is of this appliance, and for the frontend's;
/// its attributes, routes and firewall rules go with it.
bool RemoveAppliance(Database* db, const std::string& name, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_APPLIANCE_H_
