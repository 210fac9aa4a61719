// What the report units (report, report_dhcp, report_dns) share: the
// rows every host report starts from, and the global attributes. Not for
// other units.
#ifndef ROCKS_LIB_REPORT_ROWS_H_
#define ROCKS_LIB_REPORT_ROWS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db.h"

namespace rocks::report_detail {

std::string Str(const std::optional<std::string>& v);

int64_t Int(const std::optional<std::string>& v);

std::string Header(const char* comment, const char* report);

// A host, once for all of its interfaces' rows.
struct HostPart {
  int64_t id = 0;
  std::string name;
  std::string appliance;
  std::string short_name;
  int64_t rack = 0;
  int64_t rank = 0;
  std::string action;
};

// One interface of a host, with its host, appliance and subnet; a host
// without interfaces is one row with empty interface fields.
struct Row {
  const HostPart* h = nullptr;
  std::string device;
  std::string mac;
  std::string ip;
  std::string ifname;  // the interface's own DNS name, "" = the host's
  std::string subnet;
  std::string zone;

  int64_t host_id() const { return h->id; }
  const std::string& host() const { return h->name; }
  const std::string& appliance() const { return h->appliance; }
  const std::string& Name() const { return ifname.empty() ? h->name : ifname; }
  std::string Fqdn() const { return zone.empty() ? Name() : Name() + "." + zone; }
  // The frontend is known by its own name only.
  std::string ShortAlias() const {
    if (h->short_name.empty() || h->appliance == "frontend") return "";
    return h->short_name + std::to_string(h->rack) + "-" + std::to_string(h->rank);
  }
};

// LoadRows' result: the rows in order, and the hosts they point at.
struct Rows {
  std::deque<HostPart> hosts;  // a deque: the rows keep pointers into it
  std::vector<Row> list;

  std::vector<Row>::const_iterator begin() const { return list.begin(); }
  std::vector<Row>::const_iterator end() const { return list.end(); }
  size_t size() const { return list.size(); }
};

// The one query every host report starts from; `where` narrows it. The
// order is the one `rocks list host` shows: the frontend, then by
// appliance, rack, rank and name; it is made here rather than by the
// database, which is faster and the same bytes on every engine.
bool LoadRows(Database* db, const std::string& where, std::vector<SqlParam> params,
              Rows* out, std::string* err);

using Attrs = std::map<std::string, std::string>;

bool LoadGlobalAttrs(Database* db, Attrs* out, std::string* err);

bool NeedAttr(const Attrs& attrs, const char* name, std::string* value,
              std::string* err);

std::string AttrOr(const Attrs& attrs, const char* name, const std::string& fallback);

// Attribute lists are written "a, b" or "a b".
std::vector<std::string> ListWords(const std::string& value);

void AppendFileIfPresent(const std::string& path, std::string* out);

}  // namespace rocks::report_detail

#endif  // ROCKS_LIB_REPORT_ROWS_H_
