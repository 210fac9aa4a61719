// shoot-node's work: reinstall a set of hosts and follow each install to
// its end. For each host: boot action `install` and the PXE files
// rewritten (lib/boot.h), a restart by its power method
// (at most `fanout` at once, in worker threads), then the install events
// kickstart.cgi records (profile-sent, installing, installed or failed)
// followed from the database, each stage with its own time limit; at the
// end the boot action goes back to `os`.
//
// The state machine (ApplyInstallEvent, CheckStageTimeout) is separate
// from the work so that it can be tested without a database or a clock.
#ifndef ROCKS_LIB_SHOOT_H_
#define ROCKS_LIB_SHOOT_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster.h"
#include "config.h"
#include "db.h"
#include "power.h"

namespace rocks {

enum class ShootState {
  kPending,      ///< not started yet
  kRestarting,   ///< boot action install; the power command is under way
  kRebooting,    ///< restarted; waiting for its kickstart request
  kProfileSent,  ///< kickstart.cgi sent its kickstart
  kInstalling,   ///< the installer reported installing
  kInstalled,    ///< the installer reported installed
  kFailed,       ///< the installer reported failed
  kTimedOut,     ///< a stage outlasted the time limit
  kError,        ///< could not be started or restarted
  kRestarted,    ///< restarted and not followed (--no-wait)
};

/// "pending", "restarting", "rebooting", "profile-sent", "installing",
/// "installed", "failed", "timeout", "error", "restarted".
const char* ShootStateName(ShootState state);

/// Whether nothing more happens to a host in this state.
bool ShootStateDone(ShootState state);

struct ShootHost {
  std::string name;
  PowerPlan power;
  ShootState state = ShootState::kPending;
  std::string error;     ///< why, in kError, kTimedOut and kFailed
  double started = -1;   ///< when its work began (seconds); <0 = never
  double changed = 0;    ///< when it entered its state: its stage's start
  double finished = -1;  ///< when it reached a final state
  bool action_set = false;  ///< its boot action is install by our doing
};

/// Minutes from start to end (or to `now` while running); <0 when the
/// host never started.
double ShootMinutes(const ShootHost& host, double now);

/// Moves a followed host forward on one of its install events (state as
/// recorded: profile-sent, installing, installed, failed). Events never
/// move a host back (a late profile-sent after installing is ignored), a
/// host not being followed ignores them, and so does `rebooting`, which is
/// ours. Returns whether the state changed.
bool ApplyInstallEvent(ShootHost* host, const std::string& state, double now);

/// Times out a host whose stage (rebooting, profile-sent, installing)
/// began more than `timeout` seconds before `now`; its error says which
/// stage. Returns whether it did.
bool CheckStageTimeout(ShootHost* host, double now, double timeout);

/// Which hosts to reinstall: names, or every host of an appliance and/or
/// rack.
struct HostSelection {
  std::vector<std::string> names;
  std::string appliance;
  std::optional<int64_t> rack;
};

/// One ShootHost per selected host of `all`, each once: the named ones in
/// their order, then those matching the appliance and rack (both when both
/// are given) in the cluster's order. An unknown name (with a "did you
/// mean" suggestion) and the frontend are hosts in kError, so the others
/// still go. False when nothing is selected at all.
bool SelectShootHosts(const std::vector<Host>& all, const HostSelection& selection,
                      std::vector<ShootHost>* out, std::string* err);

/// Resolves each pending host's attributes and plans its power method; a
/// host whose method is missing, unknown or lacks credentials goes to
/// kError. False only when the database fails.
bool PlanShootHosts(Database* db, std::vector<ShootHost>* hosts, std::string* err);

/// The time limit of a restart (an IPMI session, an ssh command): the
/// stage limit, but never more than a minute, since a BMC or an sshd that
/// has not answered by then will not.
double PowerTimeout(double stage_timeout);

struct ShootOptions {
  int fanout = 32;              ///< restarts at once
  double stage_timeout = 3600;  ///< seconds per stage
  double poll_seconds = 0.25;   ///< how often install events are read
  bool wait = true;             ///< false: restart and return (--no-wait)
  std::string pxe_dir;          ///< the TFTP root; "" = write no boot files
  SshSettings ssh;
  /// Set (from a signal handler) to stop: unfinished hosts end in kError
  /// "interrupted" and their boot action goes back to os.
  const std::atomic<bool>* stop = nullptr;
};

/// Sees the run; called on the thread that called Shoot.
class ShootObserver {
 public:
  virtual ~ShootObserver() = default;
  /// hosts[index] entered a new state.
  virtual void Changed(const std::vector<ShootHost>& hosts, size_t index,
                       double now) = 0;
  /// About once a second while hosts are followed (for live displays).
  virtual void Tick(const std::vector<ShootHost>& hosts, double now) = 0;
};

/// Reinstalls every kPending host of `hosts` and follows them to a final
/// state; hosts already in kError are left alone. Returns false only when
/// the run as a whole cannot go on (the database fails); what happened to
/// each host is in its state. `observer` may be null.
bool Shoot(Database* db, const ShootOptions& options, std::vector<ShootHost>* hosts,
           ShootObserver* observer, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_SHOOT_H_
