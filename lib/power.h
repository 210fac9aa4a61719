// Restarting a node: how (the host's `power` attribute and the attributes
// of its method) and doing it, by IPMI-over-LAN to its BMC (FreeIPMI), by
// its reboot command over ssh, or by hand. Also the ssh command that
// attaches to a node's installer console.
//
// Attributes (resolved host over appliance over global):
//   power               ipmi, ssh, libvirt (a VM: lib/vm.h) or none
//   ipmi_address        the BMC: HOST or HOST:PORT (UDP, default 623)
//   ipmi_user           user name on the BMC
//   ipmi_password       its password
//   ipmi_interface      lanplus (IPMI 2.0, the default) or lan (IPMI 1.5)
//   ipmi_workarounds    comma list of FreeIPMI workarounds (the names of ipmipower -W,
//                       and for the console those of ipmiconsole -W)
//   ssh_reboot_command  the command run on the node (default "reboot")
//   vm_connect          power=libvirt: the libvirt URI of the VM's container
//   console_port        sshd port of the installer (default 2200)
//   console_command     run there to attach (default the anaconda tmux session)
#ifndef ROCKS_LIB_POWER_H_
#define ROCKS_LIB_POWER_H_

#include <string>
#include <vector>

#include "cluster.h"

namespace rocks {

enum class PowerMethod { kIpmi, kSsh, kLibvirt, kNone };

/// "ipmi", "ssh", "libvirt", "none".
const char* PowerMethodName(PowerMethod method);

/// How to restart one host.
struct PowerPlan {
  std::string host;
  PowerMethod method = PowerMethod::kNone;
  std::string ipmi_address;  ///< "HOST" or "HOST:PORT"
  std::string ipmi_user;
  std::string ipmi_password;
  bool ipmi_lanplus = true;  ///< IPMI 2.0 (RMCP+) rather than 1.5
  unsigned ipmi_workarounds = 0;  ///< FreeIPMI workaround flags
  unsigned sol_workarounds = 0;  ///< libipmiconsole's, for serial-over-LAN
  std::string ssh_reboot_command = "reboot";
  std::string libvirt_uri;  ///< the container's; the domain is `host`
};

/// Settings of the ssh client, from rocks.conf.
struct SshSettings {
  std::string program = "ssh";
  /// `ssh_config`: passed as -F when not empty.
  std::string config_file;
};

/// Chooses the method from the host's resolved attributes and checks that
/// it has what it needs. Errors name the attribute: "power is not set
/// (expected ipmi, ssh, libvirt or none)", "power=ipmi: ipmi_password is not set".
bool PlanPower(const std::string& host, const std::vector<Attr>& attrs,
               PowerPlan* out, std::string* err);

/// What restarting the host does, for --dry-run: "ipmi chassis power cycle
/// of 10.2.0.5 as admin (lanplus)", the ssh command line, or "restart it
/// by hand (power method none)".
std::string DescribePower(const PowerPlan& plan, const SshSettings& ssh,
                          double timeout_seconds);

/// Sends a chassis power cycle to the host's BMC, waiting at most
/// `timeout_seconds` for it to answer. Errors: "ipmi ADDRESS: password
/// invalid", "ipmi ADDRESS: connection timeout", ...
bool IpmiPowerCycle(const PowerPlan& plan, double timeout_seconds,
                    std::string* err);

/// The ssh command that runs `command` on `host`: BatchMode, no tty,
/// ConnectTimeout from `timeout_seconds` (at least 1 s).
std::vector<std::string> SshArgv(const std::string& host, const std::string& command,
                                 const SshSettings& ssh, double timeout_seconds);

/// The ssh command that runs the reboot command on the host: BatchMode,
/// no tty, ConnectTimeout from `timeout_seconds`.
std::vector<std::string> SshRebootArgv(const PowerPlan& plan,
                                       const SshSettings& ssh,
                                       double timeout_seconds);

/// Runs SshRebootArgv, killing ssh after `timeout_seconds`. Errors: ssh's
/// own last line ("ssh: connect to host ... Connection refused"), the
/// command's exit status, or the timeout.
bool SshReboot(const PowerPlan& plan, const SshSettings& ssh,
               double timeout_seconds, std::string* err);

/// Restarts the host by its method (nothing for kNone).
bool PowerCycle(const PowerPlan& plan, const SshSettings& ssh,
                double timeout_seconds, std::string* err);

/// The ssh command that attaches a terminal to the host's installer
/// console, from its console_port and console_command attributes. The
/// installer's host key is new at every install, so it is neither checked
/// nor remembered.
bool ConsoleArgv(const std::string& host, const std::vector<Attr>& attrs,
                 const SshSettings& ssh, std::vector<std::string>* argv,
                 std::string* err);

/// A command line as a shell would need it typed: each word bare when that
/// is unambiguous, else single-quoted.
std::string QuoteCommand(const std::vector<std::string>& argv);

}  // namespace rocks

#endif  // ROCKS_LIB_POWER_H_
