// insert-ethers' model of the cluster: how a new node is named and
// addressed, and inserting, replacing, removing and dumping nodes.
//
// Names are BASENAME-RACK-RANK, the rank continuing from the highest in use
// for the appliance and rack. Addresses start at the top of the private
// subnet and go down (--baseip, --inc), skipping every address in use.
#ifndef ROCKS_LIB_DISCOVER_H_
#define ROCKS_LIB_DISCOVER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster.h"
#include "config.h"
#include "db.h"
#include "dhcplog.h"

namespace rocks {

/// Where new nodes go and how they are made.
struct DiscoverOptions {
  std::string appliance = "compute";
  std::string basename;          ///< "" = the appliance's name
  int64_t rack = 0;
  std::optional<int64_t> rank;   ///< the first node's rank; default next free
  int64_t cpus = 1;
  std::string device = "eth0";
  std::string module;
  std::string baseip;            ///< "" = the top of the private subnet
  int64_t inc = -1;              ///< step from one address tried to the next
  std::string boot_action = "install";
};

/// One node that was inserted (or took another's place).
struct NewNode {
  std::string name;
  std::string mac;
  std::string ip;
  int64_t rack = 0;
  int64_t rank = 0;
};

/// What one log line is to a run of insert-ethers.
enum class RequestKind {
  kOther,      ///< not a request for an address
  kMalformed,  ///< names a request but cannot be read
  kElsewhere,  ///< a request that did not arrive on the private side
  kKnown,      ///< a request from a MAC already in the database
  kNew,        ///< a request from a new node
};

/// When to resync after new nodes: `quiet` seconds after the last insert,
/// or `max_delay` seconds after the first one not yet synced, whichever
/// comes first, so that a burst costs one sync and a steady trickle cannot
/// put it off for ever. Times are seconds on a monotonic clock.
class SyncSchedule {
 public:
  SyncSchedule(double quiet, double max_delay) : quiet_(quiet), max_delay_(max_delay) {}
  /// A node was inserted at `now`.
  void Inserted(double now);
  /// The sync ran.
  void Synced() { pending_ = false; }
  bool pending() const { return pending_; }
  /// Whether the sync is due at `now`.
  bool Due(double now) const;
  /// Milliseconds from `now` until the sync is due, at most `cap` (`cap`
  /// when nothing is pending).
  int WaitMs(double now, int cap) const;

 private:
  double quiet_;
  double max_delay_;
  bool pending_ = false;
  double first_ = 0;
  double last_ = 0;
};

/// What one insert may fix instead of choosing it (a one-shot insert).
struct NodeOverrides {
  std::string hostname;
  std::string mac;
  std::string ip;
};

class Discoverer {
 public:
  /// Checks the options against the database (the appliance exists, the
  /// private subnet exists and holds baseip, inc is not 0) and loads
  /// the names, MACs, addresses and ranks in use. An option's error reads
  /// "KEY=VALUE: reason", KEY the option's name (appliance, basename, inc,
  /// baseip); the caller says where the value came from.
  bool Load(Database* db, const DiscoverOptions& options, std::string* err);

  /// Reads again what is in use, after someone else may have written.
  bool Refresh(Database* db, std::string* err);

  /// Whether a host already has this (normalised) MAC.
  bool Known(const std::string& mac) const { return macs_.count(mac) != 0; }

  /// The device of the frontend's private interface ("" when it has none).
  const std::string& private_device() const { return private_device_; }
  /// Whether `where` (an interface name, or a relay agent's address) is on
  /// the private side: the private device, or an address in the private
  /// subnet.
  bool OnPrivateSide(const std::string& where, const std::string& device) const;

  /// Reads one log line. A request is kElsewhere unless it arrived on the
  /// private side (`device`, or the frontend's private interface when
  /// empty), kKnown when its MAC is in the database, else kNew, with `req`
  /// filled; `why` says what is wrong with a kMalformed line. The first MAC
  /// the cached state does not know while `*refreshed` is false makes it
  /// read the database again (another writer may have added it) and sets
  /// `*refreshed`: once per batch of lines, not once per node. False only
  /// when that read fails.
  bool Classify(Database* db, std::string_view line, const std::string& device,
                bool* refreshed, RequestKind* kind, DhcpRequest* req,
                std::string* why, std::string* err);

  /// Names, addresses and inserts one new node in its own transaction. What
  /// `fixed` gives is used as is; the rest is chosen. On failure nothing is
  /// inserted.
  bool Insert(Database* db, const NodeOverrides& fixed, NewNode* node,
              std::string* err);

  /// The name and rank the next node would get (no insert).
  void NextName(std::string* name, int64_t* rank) const;
  /// The address the next node would get (no insert).
  bool NextAddress(std::string* ip, std::string* err) const;

 private:
  DiscoverOptions options_;
  std::string basename_;
  Subnet private_;
  uint32_t start_ = 0;
  std::string private_device_;
  std::set<std::string> names_;
  std::set<std::string> macs_;
  std::set<uint32_t> ips_;
  int64_t next_rank_ = 0;
};

/// Gives HOST's place (name, rack, rank, address) to new hardware with
/// `mac`: the MAC of HOST's private interface changes, and HOST is set to
/// install (one transaction). The frontend cannot be replaced.
bool ReplaceHost(Database* db, const std::string& host, const std::string& mac,
                 NewNode* node, std::string* err);

/// Checks that HOST can be replaced (it exists, is not the frontend and
/// has a private interface) before any log is read.
bool CheckReplaceable(Database* db, const std::string& host, std::string* err);

/// Removes HOST (not the frontend) with everything that belongs to it.
bool RemoveNode(Database* db, const std::string& host, std::string* err);

/// One `insert-ethers --hostname=... --batch` command line per host with a
/// private interface (the frontend excepted), which re-creates it.
bool DumpNodes(Database* db, std::vector<std::string>* lines, std::string* err);

/// The hosts that fetched their kickstart since event `after_id`: the
/// names of hosts with a `profile-sent` event; `last_id` gets the newest
/// event id seen.
bool KickstartedSince(Database* db, int64_t after_id, std::set<std::string>* hosts,
                      int64_t* last_id, std::string* err);

/// What one resync did.
struct ResyncResult {
  int written = 0;   ///< files (or PXE directories) rewritten
  std::string log;   ///< SyncConfig's per-file lines, for -v
};

/// Runs `rocks sync config` in this process. Without `restart` the files
/// are still rewritten but no RELOAD command runs (--norestart).
bool Resync(Database* db, const Config& cfg, bool restart, ResyncResult* result,
            std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_DISCOVER_H_
