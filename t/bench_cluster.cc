// Makes the benchmark's cluster: `bench-cluster URL N` initialises the
// database at URL and adds N compute hosts (racks of 100), each with a
// MAC and a private address, through the same library calls as `rocks`.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cluster.h"
#include "db.h"
#include "net.h"

int main(int argc, char** argv) {
  using namespace rocks;
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench-cluster URL N\n");
    return 1;
  }
  int n = std::atoi(argv[2]);
  std::unique_ptr<Database> db;
  std::string err;
  if (!OpenDatabase(argv[1], DbOptions(), &db, &err) ||
      !InitCluster(db.get(), InitOptions(), &err)) {
    std::fprintf(stderr, "bench-cluster: %s\n", err.c_str());
    return 1;
  }
  // Only the fixture is built faster: the benchmark measures reading.
  if (db->engine() == Engine::kSqlite && !db->ExecDdl("PRAGMA synchronous = OFF", &err)) {
    std::fprintf(stderr, "bench-cluster: %s\n", err.c_str());
    return 1;
  }
  uint32_t ip;
  ParseIPv4("10.255.255.254", &ip);
  for (int i = 0; i < n; ++i) {
    NewHost h;
    h.rack = i / 100;
    h.rank = i % 100;
    h.name = "compute-" + std::to_string(*h.rack) + "-" + std::to_string(*h.rank);
    h.appliance = "compute";
    h.cpus = 16;
    Interface ifc;
    ifc.device = "eth0";
    char mac[18];
    std::snprintf(mac, sizeof mac, "52:54:00:%02x:%02x:%02x", (i >> 16) & 0xff,
                  (i >> 8) & 0xff, i & 0xff);
    ifc.mac = mac;
    ifc.ip = FormatIPv4(ip - static_cast<uint32_t>(i));
    ifc.subnet = "private";
    h.interfaces.push_back(ifc);
    if (!AddHost(db.get(), h, &err)) {
      std::fprintf(stderr, "bench-cluster: %s\n", err.c_str());
      return 1;
    }
  }
  return 0;
}
