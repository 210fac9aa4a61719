#include "power.h"

#include <freeipmi/freeipmi.h>
#include <ipmiconsole.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "process.h"
#include "strutil.h"
#include "virt.h"

namespace rocks {
namespace {

const char kDefaultConsoleCommand[] = "tmux attach-session -t anaconda";
const int kDefaultConsolePort = 2200;

std::string FindAttr(const std::vector<Attr>& attrs, const std::string& name) {
  for (const Attr& a : attrs)
    if (a.name == name) return a.value;
  return "";
}

// FreeIPMI's workaround names (ipmipower -W) for each protocol version.
const std::map<std::string, unsigned>& Workarounds(bool lanplus) {
  static const std::map<std::string, unsigned> k15 = {
      {"authcap", IPMI_WORKAROUND_FLAGS_OUTOFBAND_AUTHENTICATION_CAPABILITIES},
      {"idzero", IPMI_WORKAROUND_FLAGS_OUTOFBAND_ACCEPT_SESSION_ID_ZERO},
      {"forcepermsg", IPMI_WORKAROUND_FLAGS_OUTOFBAND_FORCE_PERMSG_AUTHENTICATION},
      {"unexpectedauth", IPMI_WORKAROUND_FLAGS_OUTOFBAND_CHECK_UNEXPECTED_AUTHCODE},
      {"endianseq", IPMI_WORKAROUND_FLAGS_OUTOFBAND_BIG_ENDIAN_SEQUENCE_NUMBER},
      {"noauthcodecheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_NO_AUTH_CODE_CHECK},
      {"nochecksumcheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_NO_CHECKSUM_CHECK},
  };
  static const std::map<std::string, unsigned> k20 = {
      {"authcap", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES},
      {"intel20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_INTEL_2_0_SESSION},
      {"supermicro20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUPERMICRO_2_0_SESSION},
      {"sun20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUN_2_0_SESSION},
      {"opensesspriv", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE},
      {"integritycheckvalue",
       IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NON_EMPTY_INTEGRITY_CHECK_VALUE},
      {"nochecksumcheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NO_CHECKSUM_CHECK},
  };
  return lanplus ? k20 : k15;
}

// libipmiconsole's flags for the same names, and the ones of SOL alone
// (ipmiconsole -W).
const std::map<std::string, unsigned>& SolWorkarounds() {
  static const std::map<std::string, unsigned> k = {
      {"authcap", IPMICONSOLE_WORKAROUND_AUTHENTICATION_CAPABILITIES},
      {"intel20", IPMICONSOLE_WORKAROUND_INTEL_2_0_SESSION},
      {"supermicro20", IPMICONSOLE_WORKAROUND_SUPERMICRO_2_0_SESSION},
      {"sun20", IPMICONSOLE_WORKAROUND_SUN_2_0_SESSION},
      {"opensesspriv", IPMICONSOLE_WORKAROUND_OPEN_SESSION_PRIVILEGE},
      {"integritycheckvalue", IPMICONSOLE_WORKAROUND_NON_EMPTY_INTEGRITY_CHECK_VALUE},
      {"nochecksumcheck", IPMICONSOLE_WORKAROUND_NO_CHECKSUM_CHECK},
      {"serialalertsdeferred", IPMICONSOLE_WORKAROUND_SERIAL_ALERTS_DEFERRED},
      {"solpacketseq", IPMICONSOLE_WORKAROUND_INCREMENT_SOL_PACKET_SEQUENCE},
      {"solpayloadsize", IPMICONSOLE_WORKAROUND_IGNORE_SOL_PAYLOAD_SIZE},
      {"solport", IPMICONSOLE_WORKAROUND_IGNORE_SOL_PORT},
      {"solstatus", IPMICONSOLE_WORKAROUND_SKIP_SOL_ACTIVATION_STATUS},
      {"solchannelsupport", IPMICONSOLE_WORKAROUND_SKIP_CHANNEL_PAYLOAD_SUPPORT},
  };
  return k;
}

// A word as a shell would need it typed: bare when that is unambiguous.
std::string QuoteWord(const std::string& word) {
  if (word.empty()) return "''";
  for (char c : word) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || std::strchr("_./:=@%+,-", c);
    if (!plain) return ShellQuote(word);
  }
  return word;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

std::string LastLine(const std::string& text) {
  std::vector<std::string> lines = Split(text, '\n');
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    std::string t = Trim(*it);
    if (!t.empty()) return t;
  }
  return "";
}

std::vector<std::string> SshBase(const SshSettings& ssh) {
  std::vector<std::string> argv = {ssh.program};
  if (!ssh.config_file.empty()) {
    argv.push_back("-F");
    argv.push_back(ssh.config_file);
  }
  return argv;
}

}  // namespace

std::string QuoteCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& w : argv) {
    if (!out.empty()) out += ' ';
    out += QuoteWord(w);
  }
  return out;
}

const char* PowerMethodName(PowerMethod method) {
  switch (method) {
    case PowerMethod::kIpmi: return "ipmi";
    case PowerMethod::kSsh: return "ssh";
    case PowerMethod::kLibvirt: return "libvirt";
    case PowerMethod::kNone: return "none";
  }
  return "none";
}

bool PlanPower(const std::string& host, const std::vector<Attr>& attrs,
               PowerPlan* out, std::string* err) {
  PowerPlan plan;
  plan.host = host;
  std::string method = FindAttr(attrs, "power");
  if (method.empty()) {
    *err = "power is not set (expected ipmi, ssh, libvirt or none)";
    return false;
  }
  if (method == "ipmi") {
    plan.method = PowerMethod::kIpmi;
    plan.ipmi_address = FindAttr(attrs, "ipmi_address");
    plan.ipmi_user = FindAttr(attrs, "ipmi_user");
    plan.ipmi_password = FindAttr(attrs, "ipmi_password");
    for (const char* name : {"ipmi_address", "ipmi_user", "ipmi_password"}) {
      if (FindAttr(attrs, name).empty()) {
        *err = std::string("power=ipmi: ") + name + " is not set";
        return false;
      }
    }
    std::string iface = FindAttr(attrs, "ipmi_interface");
    if (iface == "lan") {
      plan.ipmi_lanplus = false;
    } else if (!iface.empty() && iface != "lanplus") {
      *err = "ipmi_interface=" + iface + ": unknown interface (expected lanplus or lan)";
      return false;
    }
    std::string list = FindAttr(attrs, "ipmi_workarounds");
    const auto& known = Workarounds(plan.ipmi_lanplus);
    for (const std::string& raw : Split(list, ',')) {
      std::string name = Trim(raw);
      if (name.empty()) continue;
      auto it = known.find(name);
      auto sol = SolWorkarounds().find(name);
      if (!plan.ipmi_lanplus) sol = SolWorkarounds().end();
      if (it == known.end() && sol == SolWorkarounds().end()) {
        *err = "ipmi_workarounds=" + list + ": " + name +
               ": unknown workaround for " +
               (plan.ipmi_lanplus ? "lanplus" : "lan");
        return false;
      }
      if (it != known.end()) plan.ipmi_workarounds |= it->second;
      if (sol != SolWorkarounds().end()) plan.sol_workarounds |= sol->second;
    }
  } else if (method == "ssh") {
    plan.method = PowerMethod::kSsh;
    std::string command = FindAttr(attrs, "ssh_reboot_command");
    if (!command.empty()) plan.ssh_reboot_command = command;
  } else if (method == "libvirt") {
    plan.method = PowerMethod::kLibvirt;
    plan.libvirt_uri = FindAttr(attrs, "vm_connect");
    if (plan.libvirt_uri.empty()) {
      *err = "power=libvirt: vm_connect is not set";
      return false;
    }
  } else if (method == "none") {
    plan.method = PowerMethod::kNone;
  } else {
    *err = "power=" + method + ": unknown power method (expected ipmi, ssh, libvirt or none)";
    return false;
  }
  *out = plan;
  return true;
}

std::string DescribePower(const PowerPlan& plan, const SshSettings& ssh,
                          double timeout_seconds) {
  switch (plan.method) {
    case PowerMethod::kIpmi:
      return "ipmi chassis power cycle of " + plan.ipmi_address + " as " +
             plan.ipmi_user + " (" + (plan.ipmi_lanplus ? "lanplus" : "lan") + ")";
    case PowerMethod::kSsh:
      return QuoteCommand(SshRebootArgv(plan, ssh, timeout_seconds));
    case PowerMethod::kLibvirt:
      return "libvirt power cycle of domain " + plan.host + " at " + plan.libvirt_uri;
    case PowerMethod::kNone:
      break;
  }
  return "restart it by hand (power method none)";
}

bool IpmiPowerCycle(const PowerPlan& plan, double timeout_seconds,
                    std::string* err) {
  std::string where = "ipmi " + plan.ipmi_address;
  ipmi_ctx_t ctx = ipmi_ctx_create();
  if (!ctx) {
    *err = ErrnoText(where + ": cannot create an IPMI context");
    return false;
  }
  unsigned session_ms = static_cast<unsigned>(std::lround(timeout_seconds * 1000));
  if (session_ms < 100) session_ms = 100;
  // FreeIPMI resends every retransmission timeout until the session
  // timeout; it must be the shorter of the two.
  unsigned retransmit_ms = session_ms > 2000 ? 1000 : session_ms / 2;
  int rc;
  if (plan.ipmi_lanplus) {
    rc = ipmi_ctx_open_outofband_2_0(
        ctx, plan.ipmi_address.c_str(), plan.ipmi_user.c_str(),
        plan.ipmi_password.c_str(), nullptr, 0, IPMI_PRIVILEGE_LEVEL_ADMIN,
        3, session_ms, retransmit_ms, plan.ipmi_workarounds, IPMI_FLAGS_DEFAULT);
  } else {
    rc = ipmi_ctx_open_outofband(
        ctx, plan.ipmi_address.c_str(), plan.ipmi_user.c_str(),
        plan.ipmi_password.c_str(), IPMI_AUTHENTICATION_TYPE_MD5,
        IPMI_PRIVILEGE_LEVEL_ADMIN, session_ms, retransmit_ms,
        plan.ipmi_workarounds, IPMI_FLAGS_DEFAULT);
  }
  if (rc < 0) {
    *err = where + ": " + ipmi_ctx_errormsg(ctx);
    ipmi_ctx_destroy(ctx);
    return false;
  }
  bool ok = true;
  fiid_obj_t rs = fiid_obj_create(tmpl_cmd_chassis_control_rs);
  if (!rs) {
    *err = ErrnoText(where + ": cannot create an IPMI response");
    ok = false;
  } else if (ipmi_cmd_chassis_control(ctx, IPMI_CHASSIS_CONTROL_POWER_CYCLE, rs) < 0) {
    *err = where + ": chassis power cycle: " + ipmi_ctx_errormsg(ctx);
    ok = false;
  }
  if (rs) fiid_obj_destroy(rs);
  ipmi_ctx_close(ctx);
  ipmi_ctx_destroy(ctx);
  return ok;
}

std::vector<std::string> SshArgv(const std::string& host, const std::string& command,
                                 const SshSettings& ssh, double timeout_seconds) {
  long connect = std::lround(std::ceil(timeout_seconds));
  if (connect < 1) connect = 1;
  std::vector<std::string> argv = SshBase(ssh);
  for (const std::string& w :
       {std::string("-T"), std::string("-o"), std::string("BatchMode=yes"),
        std::string("-o"), "ConnectTimeout=" + std::to_string(connect), host, command})
    argv.push_back(w);
  return argv;
}

std::vector<std::string> SshRebootArgv(const PowerPlan& plan,
                                       const SshSettings& ssh,
                                       double timeout_seconds) {
  return SshArgv(plan.host, plan.ssh_reboot_command, ssh, timeout_seconds);
}

bool SshReboot(const PowerPlan& plan, const SshSettings& ssh,
               double timeout_seconds, std::string* err) {
  ProcessResult result;
  std::string where = "ssh " + plan.host;
  ProcessSpec spec;
  spec.argv = SshRebootArgv(plan, ssh, timeout_seconds);
  spec.timeout_seconds = timeout_seconds;
  if (!RunProcess(spec, &result, err)) {
    *err = where + ": " + *err;
    return false;
  }
  if (result.timed_out) {
    *err = where + ": no answer within " + Seconds(timeout_seconds) + " s";
    return false;
  }
  if (result.status == 0) return true;
  std::string last = LastLine(result.output);
  if (result.status == 255) {
    // ssh's own failure: its last line says why.
    *err = last.empty() ? where + ": ssh failed (exit status 255)" : last;
  } else {
    *err = where + ": " + QuoteWord(plan.ssh_reboot_command) +
           " exited with status " + std::to_string(result.status);
    if (!last.empty()) *err += ": " + last;
  }
  return false;
}

bool PowerCycle(const PowerPlan& plan, const SshSettings& ssh,
                double timeout_seconds, std::string* err) {
  switch (plan.method) {
    case PowerMethod::kIpmi: return IpmiPowerCycle(plan, timeout_seconds, err);
    case PowerMethod::kSsh: return SshReboot(plan, ssh, timeout_seconds, err);
    case PowerMethod::kLibvirt: {
      VirtConnection conn;
      return conn.Open(plan.libvirt_uri, false, err) && conn.PowerCycle(plan.host, err);
    }
    case PowerMethod::kNone: return true;
  }
  return true;
}

bool ConsoleArgv(const std::string& host, const std::vector<Attr>& attrs,
                 const SshSettings& ssh, std::vector<std::string>* argv,
                 std::string* err) {
  int64_t port = kDefaultConsolePort;
  std::string port_text = FindAttr(attrs, "console_port");
  if (!port_text.empty() &&
      !ParseNumber("console_port=" + port_text, port_text, 1, 65535, &port, err))
    return false;
  std::string command = FindAttr(attrs, "console_command");
  if (command.empty()) command = kDefaultConsoleCommand;
  *argv = SshBase(ssh);
  for (const std::string& w :
       {std::string("-t"), std::string("-p"), std::to_string(port), std::string("-l"),
        std::string("root"), std::string("-o"), std::string("StrictHostKeyChecking=no"),
        std::string("-o"), std::string("UserKnownHostsFile=/dev/null"),
        std::string("-o"), std::string("LogLevel=ERROR"), host, command})
    argv->push_back(w);
  return true;
}

}  // namespace rocks
