// Fuzz target: the arguments of `rocks`, one a line: KEY=VALUE lists,
// host selections (names, ranges, appliance:, rack:, all) and the numbers
// and times options and keys take.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cluster.h"
#include "hostsel.h"
#include "net.h"
#include "strutil.h"

namespace {

std::vector<rocks::Host> Hosts() {
  std::vector<rocks::Host> hosts;
  for (int rack = 0; rack < 2; ++rack)
    for (int rank = 0; rank < 4; ++rank) {
      rocks::Host h;
      h.name = "compute-" + std::to_string(rack) + "-" + std::to_string(rank);
      h.appliance = "compute";
      h.rack = rack;
      h.rank = rank;
      hosts.push_back(h);
    }
  rocks::Host fe;
  fe.name = "frontend";
  fe.appliance = "frontend";
  hosts.push_back(fe);
  return hosts;
}

std::vector<rocks::Appliance> Appliances() {
  rocks::Appliance c, f;
  c.name = "compute";
  c.short_name = "c";
  f.name = "frontend";
  f.short_name = "fe";
  return {c, f};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<rocks::Host> kHosts = Hosts();
  static const std::vector<rocks::Appliance> kAppliances = Appliances();
  std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> words = rocks::Split(in, '\n');
  std::string err;
  rocks::KeyValues kv;
  rocks::ParseKeyValues(words, &kv, &err);
  std::vector<std::string> names;
  for (const std::string& w : words) {
    rocks::IsSelectorWord(w);
    rocks::ExpandHostRange(w, &names, &err);
    int64_t n;
    double t;
    bool b;
    rocks::ParseNumber("--fanout=" + w, w, 1, 1024, &n, &err);
    rocks::ParseNumber("slice=" + w, w, INT64_MIN, INT64_MAX, &n, &err);
    rocks::ParseTime("--timeout=" + w, w, 7 * 24 * 3600, &t, &err);
    rocks::ParseDuration(w, &t);
    rocks::ParseInt(w, &n);
    rocks::ParseYesNo(w, &b);
    std::string mac;
    rocks::ParseHostMac(w, &mac, &err);
    rocks::ValidHostName(w);
    rocks::DidYouMean(w, {"compute", "frontend", "install", "os"});
  }
  rocks::FoldHostNames(names);
  std::vector<rocks::Host> out;
  rocks::MatchHosts(kHosts, kAppliances, words, &out, &err);
  return 0;
}
