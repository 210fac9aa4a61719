// Fuzz target: the text of rocks.conf and of sync.conf.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "syncconf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string err;
  rocks::Config cfg;
  if (rocks::ParseConfig(text, "rocks.conf", &cfg, &err)) {
    double seconds;
    cfg.Database();
    cfg.GetSeconds("db_timeout", 5, &seconds, &err);
    rocks::SyncConfPath(cfg);
    for (const auto& [key, value] : cfg.values) cfg.GetSeconds(key, 1, &seconds, &err);
  }
  std::vector<rocks::ConfigLine> lines;
  rocks::ScanConfigLines(text, "rocks.conf", &lines, &err);
  std::vector<rocks::SyncEntry> entries;
  if (rocks::ParseSyncConf(text, "sync.conf", &entries, &err)) {
    for (const rocks::SyncEntry& e : entries) {
      std::string out;
      rocks::ExpandValidate(e.validate, "/tmp/new file's", &out, &err);
      rocks::ExpandZone(e.output, "local");
      rocks::ExpandZone(e.reload, "10.1.in-addr.arpa");
    }
  }
  return 0;
}
