// snmp-status: list the processes (and installed software) of hosts over
// SNMP, all hosts queried at once.
#include <getopt.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.h"
#include "cluster.h"
#include "hostsel.h"
#include "snmp_status.h"
#include "strutil.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " snmp-status [options] [HOST...]\n"
    "\n"
    "List the processes and installed software of hosts over SNMP.\n"
    "\n"
    "Options:\n"
    " -a, --all                processes and installed software\n"
    " -p, --processes          running processes (the default)\n"
    " -r, --software           installed software\n"
    " -v, --verbose            add a header line to tsv output\n"
    " -c, --community=NAME     SNMP community (default public)\n"
    "     --snmp-version=VER   SNMP version: 1 or 2c (default 2c)\n"
    "     --port=PORT          agent port when HOST has no :PORT (default 161)\n"
    " -t, --timeout=SECONDS    seconds to wait for an answer (default 1)\n"
    "     --retries=N          tries after the first (default 1)\n"
    " -m, --match=REGEX        only names matching an extended regular expression\n"
    " -s, --sort=KEY           order by pid, cpu, mem or name (default pid)\n"
    "     --format=FORMAT      table, tsv or json (table on a terminal)\n"
    "     --db=URL             cluster database to take the compute hosts from\n"
    " -h, --help               display this help\n"
    " -V, --version            display version\n"
    "\n"
    "See snmp-status(8).\n";

enum {
  kOptSnmpVersion = 256,
  kOptPort,
  kOptRetries,
  kOptFormat,
  kOptDb,
};

const struct option kLongOptions[] = {
    {"all", no_argument, nullptr, 'a'},
    {"processes", no_argument, nullptr, 'p'},
    {"software", no_argument, nullptr, 'r'},
    {"verbose", no_argument, nullptr, 'v'},
    {"community", required_argument, nullptr, 'c'},
    {"snmp-version", required_argument, nullptr, kOptSnmpVersion},
    {"port", required_argument, nullptr, kOptPort},
    {"timeout", required_argument, nullptr, 't'},
    {"retries", required_argument, nullptr, kOptRetries},
    {"match", required_argument, nullptr, 'm'},
    {"sort", required_argument, nullptr, 's'},
    {"format", required_argument, nullptr, kOptFormat},
    {"db", required_argument, nullptr, kOptDb},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {nullptr, 0, nullptr, 0},
};

// From the cluster database: the hosts a selection names, or without
// one its compute hosts.
bool DbHosts(const std::string& db_option, const std::vector<std::string>& selection,
             int port, std::vector<rocks::SnmpHost>* out) {
  rocks::Config cfg;
  std::unique_ptr<rocks::Database> db;
  if (!rocks::cli::OpenDb(db_option, &cfg, &db)) return false;
  std::string err;
  bool ok = rocks::PrepareCluster(db.get(), &err) &&
            (selection.empty() ? rocks::ListComputeHosts(db.get(), port, out, &err)
                               : rocks::SelectSnmpHosts(db.get(), selection, port, out, &err));
  if (!ok) {
    rocks::cli::Fail(err);
    return false;
  }
  if (out->empty()) {
    rocks::cli::Fail("no compute hosts in the cluster database");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = rocks::cli;
  cli::Init("snmp-status", argv);
  rocks::SnmpSettings settings;
  rocks::StatusView view;
  view.format = cli::DefaultFormat();
  bool want_processes = false;
  bool want_software = false;
  int port = 161;
  std::string db_option;
  std::string match;
  bool have_match = false;
  std::string err;
  int c;
  while ((c = getopt_long(argc, argv, "aprvc:t:m:s:hV", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case 'a':
        want_processes = want_software = true;
        break;
      case 'p':
        want_processes = true;
        break;
      case 'r':
        want_software = true;
        break;
      case 'v':
        view.tsv_header = true;
        break;
      case 'c':
        settings.community = optarg;
        break;
      case kOptSnmpVersion:
        if (std::string(optarg) == "1") {
          settings.version = 1;
        } else if (std::string(optarg) == "2c") {
          settings.version = 2;
        } else {
          return cli::Fail(std::string("--snmp-version=") + optarg +
                           ": unknown version (expected 1 or 2c)");
        }
        break;
      case kOptPort: {
        int64_t v = 0;
        if (!rocks::ParseNumber(std::string("--port=") + optarg, optarg, 1, 65535, &v, &err))
          return cli::Fail(err);
        port = static_cast<int>(v);
        break;
      }
      case 't':
        if (!rocks::ParseTime(std::string("--timeout=") + optarg, optarg, 3600,
                              &settings.timeout_seconds, &err))
          return cli::Fail(err);
        break;
      case kOptRetries: {
        int64_t v = 0;
        if (!rocks::ParseNumber(std::string("--retries=") + optarg, optarg, 0, 100, &v, &err))
          return cli::Fail(err);
        settings.retries = static_cast<int>(v);
        break;
      }
      case 'm':
        match = optarg;
        have_match = true;
        break;
      case 's':
        if (!rocks::ParseStatusSort(optarg, &view.sort, &err))
          return cli::Fail("--sort=" + err);
        break;
      case kOptFormat:
        if (!cli::ParseFormat(optarg, &view.format)) return 1;
        break;
      case kOptDb:
        db_option = optarg;
        break;
      case 'h':
        return cli::PrintUsage(kUsage);
      case 'V':
        return cli::PrintVersion();
      default:
        return cli::TryHelp();
    }
  }
  view.processes = want_processes || !want_software;
  view.software = want_software;
  rocks::NameFilter filter;
  if (have_match) {
    if (!filter.Compile(match, &err)) return cli::Fail("--match=" + err);
    view.filter = &filter;
  }

  std::vector<rocks::SnmpHost> hosts;
  if (optind < argc) {
    // compute-0-[0-3], appliance:login, rack:2 and all come from the
    // database; other words are HOST[:PORT].
    std::vector<std::string> selection;
    for (int i = optind; i < argc; ++i) {
      if (rocks::IsSelectorWord(argv[i])) {
        selection.push_back(argv[i]);
        continue;
      }
      rocks::SnmpHost host;
      if (!rocks::ParseSnmpHost(argv[i], port, &host, &err)) return cli::Fail(err);
      hosts.push_back(host);
    }
    if (!selection.empty() && !DbHosts(db_option, selection, port, &hosts)) return 1;
    view.host_column = hosts.size() > 1;
  } else {
    if (!DbHosts(db_option, {}, port, &hosts)) return 1;
    view.host_column = true;
  }

  rocks::StatusQuery query;
  query.processes = view.processes;
  query.software = view.software;
  std::vector<rocks::HostStatus> status;
  if (!rocks::QueryHostStatus(hosts, settings, query, &status, &err)) return cli::Fail(err);
  std::fputs(rocks::RenderHostStatus(status, view).c_str(), stdout);
  int rc = 0;
  for (const auto& st : status) {
    if (st.ok) continue;
    cli::Warn(st.host + ": " + st.err);
    rc = 1;
  }
  return cli::Finish(rc);
}
