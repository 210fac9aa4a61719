// Fuzz target: kgen's input, a kpp XML document, into a kickstart.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "kickstart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string xml(reinterpret_cast<const char*>(data), size);
  std::string out, err;
  rocks::KickstartOptions options;
  if (!rocks::GenerateKickstart(xml, "fuzz.xml", options, &out, &err)) return 0;
  // A document that reads: once more for another architecture and a
  // subset of the sections, as `kgen --arch=aarch64 --section=...` does.
  if (!rocks::ParseSections("main,post,onerror", &options.sections, &err)) return 0;
  options.arch = "aarch64";
  rocks::GenerateKickstart(xml, "fuzz.xml", options, &out, &err);
  return 0;
}
