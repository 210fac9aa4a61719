// Fuzz target: DHCP server log lines, bare, behind a syslog prefix, or as
// journal JSON entries; one line of the input each.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "dhcplog.h"
#include "strutil.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (!in.empty()) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    rocks::DhcpRequest req;
    std::string why;
    rocks::ParseDhcpLogLine(line, &req, &why);
    std::map<std::string, std::string> fields;
    rocks::ParseJsonFields(line, &fields, &why);
  }
  return 0;
}
