// avalanche-peer: the package mirror of an installing node. It serves the
// frontend's distribution to the node's installer and to the other
// installing nodes, fetching each package from a node that holds it.
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "avalanche.h"
#include "bundle.h"
#include "cli.h"
#include "file.h"
#include "strutil.h"

namespace {

const char kUsage[] =
    "Usage:\n"
    " avalanche-peer [options] --frontend=URL\n"
    " avalanche-peer --hashes --frontend=URL\n"
    " avalanche-peer --bundle=FILE\n"
    "\n"
    "Serve the frontend's distribution to this node's installer, sharing\n"
    "packages with the other installing nodes.\n"
    "\n"
    "Options:\n"
    " -f, --frontend=URL       the distribution on the frontend (holds repodata/)\n"
    " -t, --tracker=URL        the tracker's announce URL (default: none)\n"
    " -l, --listen=ADDR        address to serve on and connect from (default 0.0.0.0)\n"
    " -p, --port=PORT          port to serve on (default 8070)\n"
    " -c, --cache=DIR          where packages are kept (default /tmp/avalanche)\n"
    "     --pidfile=FILE       write the process id here once serving\n"
    "     --timeout=SECONDS    a transfer that stalls this long fails (default 30)\n"
    "     --hashes             print each package's info hash and location\n"
    "     --bundle=FILE        write this program and its libraries as FILE (tar.xz)\n"
    " -v, --verbose            say where each package came from, and a summary\n"
    " -h, --help               display this help\n"
    " -V, --version            display version\n"
    "\n"
    "See avalanche-peer(8).\n";

enum { kOptPidfile = 256, kOptTimeout, kOptHashes, kOptBundle };

const struct option kLongOptions[] = {
    {"frontend", required_argument, nullptr, 'f'},
    {"tracker", required_argument, nullptr, 't'},
    {"listen", required_argument, nullptr, 'l'},
    {"port", required_argument, nullptr, 'p'},
    {"cache", required_argument, nullptr, 'c'},
    {"pidfile", required_argument, nullptr, kOptPidfile},
    {"timeout", required_argument, nullptr, kOptTimeout},
    {"hashes", no_argument, nullptr, kOptHashes},
    {"bundle", required_argument, nullptr, kOptBundle},
    {"verbose", no_argument, nullptr, 'v'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {nullptr, 0, nullptr, 0},
};

int PrintHashes(const std::string& frontend) {
  namespace cli = rocks::cli;
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/avalanche-peer.XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  char* scratch = mkdtemp(buf.data());
  if (!scratch) return cli::Fail(rocks::ErrnoText(pattern));
  std::vector<std::string> lines;
  std::string err;
  bool ok = rocks::DistributionInfoHashes(frontend, scratch, &lines, &err);
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  if (!ok) return cli::Fail(err);
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  return cli::Finish(0);
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = rocks::cli;
  cli::Init("avalanche-peer", argv);
  rocks::PeerOptions options;
  options.cache = "/tmp/avalanche";
  std::string pidfile, bundle;
  bool hashes = false, verbose = false;
  int c;
  std::string err;
  while ((c = getopt_long(argc, argv, "f:t:l:p:c:vhV", kLongOptions, nullptr)) != -1) {
    switch (c) {
      case 'f':
        options.frontend = optarg;
        break;
      case 't':
        options.tracker = optarg;
        break;
      case 'l':
        options.listen = optarg;
        break;
      case 'p': {
        int64_t v = 0;
        if (!rocks::ParseNumber(std::string("--port=") + optarg, optarg, 1, 65535, &v, &err))
          return cli::Fail(err);
        options.port = static_cast<int>(v);
        break;
      }
      case 'c':
        options.cache = optarg;
        break;
      case kOptPidfile:
        pidfile = optarg;
        break;
      case kOptTimeout: {
        int64_t v = 0;
        if (!rocks::ParseNumber(std::string("--timeout=") + optarg, optarg, 1, 3600, &v, &err))
          return cli::Fail(err);
        options.stall_seconds = static_cast<long>(v);
        break;
      }
      case kOptHashes:
        hashes = true;
        break;
      case kOptBundle:
        bundle = optarg;
        break;
      case 'v':
        verbose = true;
        break;
      case 'h':
        return cli::PrintUsage(kUsage);
      case 'V':
        return cli::PrintVersion();
      default:
        return cli::TryHelp();
    }
  }
  if (optind < argc) {
    cli::Warn(std::string("unexpected argument '") + argv[optind] + "'");
    return cli::TryHelp();
  }
  if (!bundle.empty()) {
    if (bundle.back() == '/') return cli::Fail("--bundle=" + bundle + ": not a file name");
    if (!rocks::WriteSelfBundle("avalanche-peer", bundle, &err)) return cli::Fail(err);
    return cli::Finish(0);
  }
  if (options.frontend.empty()) {
    cli::Warn("--frontend=URL is required");
    return cli::TryHelp();
  }
  if (hashes) return PrintHashes(options.frontend);

  options.warn = [](const std::string& line) { cli::Warn(line); };
  if (verbose) options.note = [](const std::string& line) { cli::Warn(line); };
  // Blocked before the serving threads start, so that only sigwait below
  // takes them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);

  rocks::AvalanchePeer peer(options);
  if (!peer.Start(&err)) return cli::Fail(err);
  if (!pidfile.empty() &&
      !rocks::WriteFileAtomic(pidfile, std::to_string(getpid()) + "\n", nullptr, &err)) {
    peer.Stop();
    return cli::Fail(err);
  }
  int sig = 0;
  sigwait(&stop, &sig);
  peer.Stop();
  if (!pidfile.empty()) unlink(pidfile.c_str());
  if (verbose) {
    rocks::PeerStats s = peer.Stats();
    cli::Warn(std::to_string(s.packages) + " packages: " + std::to_string(s.from_peers) +
              " from peers, " + std::to_string(s.from_frontend) +
              " from the frontend; " + std::to_string(s.served) +
              " sent to peers; " + std::to_string(s.dropped) + " peers dropped");
  }
  return 0;
}
