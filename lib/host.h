// Hosts (the `hosts` table) with what hangs off them: their aliases and
// their install events. A host's interfaces are interface.h's.
//
// Every function that writes does all of its work in one transaction
// unless it says it works inside the caller's. Errors name the input that
// caused them ("compute-0-9: unknown host").
#ifndef ROCKS_LIB_HOST_H_
#define ROCKS_LIB_HOST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model.h"

namespace rocks {

/// Hosts with their interfaces: the frontend first, then by appliance,
/// rack, rank and name. With `names`, just those (in that order); an
/// unknown name is an error.
bool ListHosts(Database* db, const std::vector<std::string>& names,
               std::vector<Host>* out, std::string* err);

/// The host called `name` (any case); `found` is false, and no error
/// set, when there is none, so a caller can tell "unknown" from a
/// database failure.
bool FindHost(Database* db, const std::string& name, Host* out, bool* found,
              std::string* err);

/// The host with an interface at `ip` or, when none has it, with `mac`
/// (either may be empty); `found` as for FindHost. Two indexed lookups
/// whatever the size of the cluster.
bool FindHostByAddress(Database* db, const std::string& ip,
                       const std::string& mac, Host* out, bool* found,
                       std::string* err);

/// The id of host `name` (any case); an unknown name is an error
/// ("compute-0-9: unknown host (did you mean 'compute-0-0'?)").
bool HostId(Database* db, const std::string& name, int64_t* id, std::string* err);

/// A new host. Rack defaults to 0 and rank to one more than the highest in
/// use for that appliance and rack.
struct NewHost {
  std::string name;
  std::string appliance;
  /// Taken from a NAME-RACK-RANK name: may be the appliance's short name.
  bool appliance_from_name = false;
  std::optional<int64_t> rack;
  std::optional<int64_t> rank;
  int64_t cpus = 1;
  int64_t memory = 0;  ///< MiB, as the installer reported it; 0 = unknown
  std::string arch = "x86_64";
  std::string os = "linux";
  std::string comment;
  std::string boot_action = "os";
  std::vector<Interface> interfaces;  ///< host field ignored
};

/// Fills `host` from `appliance= rack= rank= cpus= memory= arch= os= comment=
/// action= mac= ip= subnet= device= module=` (the interface keys describe
/// one interface). Rocks 6 spellings: membership= for appliance=, and
/// with neither, appliance, rack and rank from a name APPLIANCE-RACK-RANK.
bool ParseNewHost(const std::string& name, const KeyValues& kv, NewHost* host,
                  std::string* err);

/// Validates and inserts a host with its interfaces (one transaction).
bool AddHost(Database* db, const NewHost& host, std::string* err);
/// AddHost's work inside the caller's transaction; `id` gets the new
/// host's id.
bool InsertHost(Database* db, const NewHost& host, int64_t* id, std::string* err);

/// Changes `appliance rack rank cpus memory arch os comment action name`
/// (one transaction).
bool SetHost(Database* db, const std::string& name, const KeyValues& kv,
             std::string* err);

/// Sets the boot action ("os" or "install") of several hosts in one
/// transaction; an unknown name changes nothing.
bool SetBootAction(Database* db, const std::vector<std::string>& names,
                   const std::string& action, std::string* err);

/// Removes the hosts with their interfaces, aliases, attributes and
/// events; an unknown name removes nothing.
bool RemoveHosts(Database* db, const std::vector<std::string>& names,
                 std::string* err);
/// Deletes a host's rows (interfaces, aliases, attributes, events, VM
/// slice, the host) inside the caller's transaction, checking nothing.
bool DeleteHostRows(Database* db, int64_t id, std::string* err);

bool ListAliases(Database* db, std::vector<Alias>* out, std::string* err);
bool AddAlias(Database* db, const std::string& host, const std::string& alias,
              std::string* err);
bool RemoveAlias(Database* db, const std::string& alias, std::string* err);

/// Records an install event for a host (one transaction).
bool AddInstallEvent(Database* db, const InstallEvent& event, std::string* err);
/// The id of the newest install event, 0 when there is none: followers
/// start from it so that what was recorded before counts as history.
bool LastInstallEventId(Database* db, int64_t* id, std::string* err);
/// Events after `after_id` (0 = all), oldest first; `last_id` gets the
/// highest id returned.
bool ListInstallEvents(Database* db, int64_t after_id,
                       std::vector<InstallEvent>* out, int64_t* last_id,
                       std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_HOST_H_
