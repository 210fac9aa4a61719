// Fuzz target: what kickstart.cgi reads from a request before it opens
// the database: the query string (the first line of the input) and the
// X-RHN-Provisioning-MAC-N headers (the following lines).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cluster.h"
#include "ksclient.h"
#include "strutil.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines = rocks::Split(in, '\n');
  rocks::KickstartQuery query;
  std::string err;
  rocks::ParseKickstartQuery(lines[0], &query, &err);
  std::vector<std::string> headers;
  for (size_t i = 1; i < lines.size() && headers.size() < rocks::kMaxReportedNics; ++i)
    headers.push_back(lines[i]);
  rocks::AddHeaderNics(headers, &query.report);
  for (const std::string& h : headers) {
    std::string device, mac;
    rocks::ParseMacHeader(h, &device, &mac);
  }
  rocks::EscapeControl(err);
  return 0;
}
