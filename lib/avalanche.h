// The Avalanche peer: the package mirror an installing node runs for the
// length of its install. It serves the frontend's distribution on its own
// address; each package it is asked for comes from another installing node
// that the tracker names, or from the frontend when none holds it, and is
// checked against the distribution's repodata before it is used or shared.
#ifndef ROCKS_LIB_AVALANCHE_H_
#define ROCKS_LIB_AVALANCHE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rocks {

struct PeerOptions {
  /// The distribution on the frontend: the URL of the directory that holds
  /// repodata/ (http://, or file:// on the frontend itself).
  std::string frontend;
  /// The tracker's announce URL; empty: every package from the frontend.
  std::string tracker;
  /// The address to serve on and to connect to peers and the tracker
  /// from; "0.0.0.0": every address, connections from the default one.
  std::string listen = "0.0.0.0";
  int port = 8070;
  /// Where fetched files are kept, laid out as the distribution.
  std::string cache;
  /// A transfer that moves no data for this long fails.
  long stall_seconds = 30;
  /// One line for a peer dropped, the tracker failing or coming back.
  std::function<void(const std::string&)> warn;
  /// One line per package fetched (verbose).
  std::function<void(const std::string&)> note;
};

struct PeerStats {
  size_t packages = 0;       ///< in the distribution
  size_t from_peers = 0;     ///< packages fetched from other nodes
  size_t from_frontend = 0;  ///< packages fetched from the frontend
  size_t served = 0;         ///< packages sent to other nodes
  size_t dropped = 0;        ///< peers dropped for bad bytes or failures
  uint64_t bytes_from_peers = 0;
  uint64_t bytes_from_frontend = 0;
  uint64_t bytes_served = 0;
};

class AvalanchePeer {
 public:
  explicit AvalanchePeer(const PeerOptions& options);
  ~AvalanchePeer();
  AvalanchePeer(const AvalanchePeer&) = delete;
  AvalanchePeer& operator=(const AvalanchePeer&) = delete;

  /// Fetches and checks the repodata, then serves. False with `err` when
  /// the frontend's repodata cannot be had or the address cannot be bound.
  bool Start(std::string* err);
  /// Stops serving and tells the tracker this node holds nothing any more.
  void Stop();
  PeerStats Stats() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

/// One line per package of the distribution at `frontend` (as for
/// PeerOptions): the info hash the tracker knows it by (40 hex digits),
/// a tab, its location. The hashes are what opentracker's whitelist lists.
bool DistributionInfoHashes(const std::string& frontend, const std::string& scratch,
                            std::vector<std::string>* lines, std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_AVALANCHE_H_
