// kickstart.cgi: the CGI/1.1 program installing nodes fetch their
// kickstart from. It identifies the node by the address its request comes
// from (the MAC anaconda sends only confirms it), answers the kickstart
// text (or kpp's XML with ?form=xml) and records install events.
#include <getopt.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "cluster.h"
#include "boot.h"
#include "config.h"
#include "graph.h"
#include "kickstart.h"
#include "ksclient.h"
#include "net.h"
#include "profile.h"
#include "slots.h"
#include "file.h"
#include "strutil.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " kickstart.cgi [options]\n"
    "\n"
    "Answer an installing node's request for its kickstart (a CGI program).\n"
    "\n"
    "Options:\n"
    " -h, --help             display this help\n"
    " -V, --version          display version\n"
    "\n"
    "See kickstart.cgi(8).\n";

const int kRetryAfterSeconds = 15;

int Respond(const char* status, const std::string& body,
            const char* type = "text/plain", const char* extra = "") {
  std::printf("Status: %s\r\nContent-Type: %s\r\n%s\r\n", status, type, extra);
  std::fwrite(body.data(), 1, body.size(), stdout);
  return rocks::cli::Finish(0);
}

// A one-line error answer; the same line goes to the server's error log.
// What the client sent may hold CR or LF: escaped, it cannot forge lines.
int Refuse(const char* status, const std::string& reason) {
  std::string line = rocks::EscapeControl(reason);
  std::fprintf(stderr, "kickstart.cgi: %s\n", line.c_str());
  return Respond(status, "kickstart.cgi: " + line + "\n");
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rocks;
  cli::Init("kickstart.cgi", argv);
  static const option kLong[] = {{"help", no_argument, nullptr, 'h'},
                                 {"version", no_argument, nullptr, 'V'},
                                 {nullptr, 0, nullptr, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "hV", kLong, nullptr)) != -1) {
    switch (c) {
      case 'h': return cli::PrintUsage(kUsage);
      case 'V': return cli::PrintVersion();
      default: return cli::TryHelp();
    }
  }
  if (std::getenv("GATEWAY_INTERFACE") == nullptr && std::getenv("REQUEST_METHOD") == nullptr)
    return cli::Fail("not run as a CGI program (no REQUEST_METHOD)");

  // The query. An administrator previews a kickstart with
  // kpp --host=H | kgen, not here.
  KickstartQuery query;
  std::string why;
  if (!ParseKickstartQuery(Env("QUERY_STRING"), &query, &why))
    return Refuse("400 Bad Request", why);
  const std::string& form = query.form;
  const std::string& state = query.state;
  HostReport& report = query.report;
  // anaconda's inst.ks.sendmac: X-RHN-Provisioning-MAC-0, -1, ... one per
  // NIC, "DEVICE MAC".
  std::vector<std::string> mac_headers;
  for (size_t n = 0; n < kMaxReportedNics; ++n) {
    const char* v = std::getenv(("HTTP_X_RHN_PROVISIONING_MAC_" + std::to_string(n)).c_str());
    if (!v) break;
    mac_headers.push_back(v);
  }
  std::string remote = Env("REMOTE_ADDR");

  Config cfg;
  std::unique_ptr<Database> db;
  std::string err;
  if (!cli::OpenDb("", &cfg, &db))
    return Respond("500 Internal Server Error", "kickstart.cgi: cannot open the cluster database\n");
  if (!PrepareCluster(db.get(), &err)) return Refuse("500 Internal Server Error", err);

  // Which node is asking: the one with that address on the install
  // network; a kickstart carries its secrets, so nobody else gets it.
  Host found_host;
  const Host* host = &found_host;
  std::string refusal;
  if (!IdentifyClient(db.get(), remote, mac_headers, &found_host, &refusal, &err))
    return Refuse("500 Internal Server Error", err);
  if (!refusal.empty()) return Refuse("403 Forbidden", refusal);

  // What the node says of itself is recorded for it, and for no other
  // host: its CPUs and memory, and the NICs the database does not know.
  AddHeaderNics(mac_headers, &report);
  if (report.cpus > 0 || report.memory > 0 || !report.nics.empty()) {
    std::vector<std::string> notes;
    if (!RecordHostReport(db.get(), host->name, report, &notes, &err))
      return Refuse("500 Internal Server Error", err);
    for (const std::string& note : notes)
      std::fprintf(stderr, "kickstart.cgi: %s\n", EscapeControl(note).c_str());
    bool found;
    if (!FindHost(db.get(), host->name, &found_host, &found, &err))
      return Refuse("500 Internal Server Error", err);
  }

  InstallEvent event;
  event.host = host->name;
  event.time = static_cast<int64_t>(std::time(nullptr));
  if (!state.empty()) {
    bool record;
    if (!CheckInstallState(db.get(), host->name, state, &record, &refusal, &err))
      return Refuse("500 Internal Server Error", err);
    if (!refusal.empty()) return Refuse("409 Conflict", refusal);
    if (!record) return Respond("200 OK", host->name + ": " + state + " (already recorded)\n");
    event.state = state;
    event.detail = "from " + remote;
    if (!RecordInstallEvent(db.get(), event, &err))
      return Refuse("500 Internal Server Error", err);
    if (state == "installed") {
      // From now on the node boots from its disk, whoever started the
      // install (shoot-node --no-wait, insert-ethers): otherwise its next
      // network boot would install it again.
      std::string boot_root;
      std::vector<std::pair<std::string, std::string>> failed;
      // Only this host's boot files are rewritten.
      if (!BootRootFromSync(cfg, false, &boot_root, &err) ||
          !SetBootActions(db.get(), {host->name}, "os", boot_root, &failed, &err) ||
          !failed.empty()) {
        if (!failed.empty()) err = failed[0].second;
        err = EscapeControl(err);
        std::fprintf(stderr, "kickstart.cgi: %s: resetting the boot action to os failed: %s\n",
                     host->name.c_str(), err.c_str());
        return Respond("200 OK", host->name + ": installed (resetting the boot action to os failed: " +
                                     err + ")\n");
      }
    }
    return Respond("200 OK", host->name + ": " + state + "\n");
  }

  // At most 2 x CPUs generations at once; the rest are asked to retry.
  std::string slot_dir = cfg.Get(rocks::kConfKickstartStatedir);
  int slots = 2 * UsableCpus();
  SlotLock slot;
  bool got;
  if (!slot.TryAcquire(slot_dir, slots, &got, &err))
    return Refuse("500 Internal Server Error", err);
  if (!got) {
    std::fprintf(stderr, "kickstart.cgi: %s: busy, %d generations running\n",
                 host->name.c_str(), slots);
    return Respond("503 Service Unavailable",
                   "kickstart.cgi: busy: " + std::to_string(slots) +
                       " kickstarts being generated, retry later\n",
                   "text/plain",
                   ("Retry-After: " + std::to_string(kRetryAfterSeconds) + "\r\n").c_str());
  }

  ProfileOptions options;
  Attributes attrs;
  std::string graph;
  if (!HostProfileInput(db.get(), *host, &options, &graph, &attrs, &err))
    return Refuse("500 Internal Server Error", err);
  ProfileTree tree;
  std::string xml, body;
  if (!tree.Load(cfg.Get(rocks::kConfProfile), graph, &err) ||
      !ExpandProfile(&tree, options, attrs, &xml, &err))
    return Refuse("500 Internal Server Error", host->name + ": " + err);
  if (form == "xml") {
    body = std::move(xml);
  } else if (!GenerateKickstart(xml, host->name + ".xml", KickstartOptions(), &body, &err)) {
    return Refuse("500 Internal Server Error", host->name + ": " + err);
  }
  event.state = "profile-sent";
  event.detail = form + " to " + remote;
  if (!RecordInstallEvent(db.get(), event, &err))
    return Refuse("500 Internal Server Error", err);
  return Respond("200 OK", body, form == "xml" ? "application/xml" : "text/plain");
}
