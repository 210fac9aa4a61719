// A physical node's serial console over IPMI serial-over-LAN (SOL), the
// way `rocks console` reaches a host with power=ipmi: an IPMI 2.0 session
// to its BMC (FreeIPMI's libipmiconsole), whose SOL payload is relayed to
// and from the caller's file descriptors.
#ifndef ROCKS_LIB_SOL_H_
#define ROCKS_LIB_SOL_H_

#include <string>

#include "power.h"

namespace rocks {

/// Attaches to the host's console through its BMC (`plan` from PlanPower,
/// method kIpmi, lanplus): what the node's serial port sends goes to
/// `out_fd`, what is read from `in_fd` to the serial port. Ends when the
/// BMC closes the session, when `escape` is read, or at end of input
/// (once the output has been quiet for a moment, so that the node's
/// answer to the last bytes sent still comes). Waits at most
/// `timeout_seconds` for the BMC to answer. Errors: "ipmi ADDRESS:
/// connection timeout", "ipmi ADDRESS: password invalid", "ipmi ADDRESS:
/// serial-over-LAN needs IPMI 2.0 (ipmi_interface=lanplus)", ...
bool RunSolConsole(const PowerPlan& plan, int in_fd, int out_fd, char escape,
                   double timeout_seconds, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_SOL_H_
