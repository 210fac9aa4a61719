// Talking to a BitTorrent tracker (opentracker) over HTTP: bencoded
// answers, announces with compact peer lists, and the info hash that
// names one package file on the tracker.
#ifndef ROCKS_LIB_TRACKER_H_
#define ROCKS_LIB_TRACKER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rocks {

/// A decoded bencoded value: an integer, a byte string, a list or a
/// dictionary.
struct BValue {
  enum class Kind { kInt, kString, kList, kDict };
  Kind kind = Kind::kString;
  int64_t integer = 0;
  std::string string;
  std::vector<BValue> list;
  std::map<std::string, BValue> dict;

  /// The dictionary entry `key`, or null.
  const BValue* Find(const std::string& key) const;
};

/// Decodes one bencoded value that fills all of `text`; `err` says what is
/// wrong and at which byte offset.
bool BDecode(std::string_view text, BValue* out, std::string* err);

/// The info hash (20 bytes) under which the tracker knows a package: the
/// first 20 bytes of its repodata checksum. False for a checksum that is
/// not hex or shorter than 40 hex digits (md5).
bool PackageInfoHash(const std::string& checksum_hex, std::string* hash,
                     std::string* err);

/// Lower-case hex of bytes.
std::string HexBytes(std::string_view bytes);

struct PeerAddress {
  std::string ip;
  int port = 0;
  bool operator==(const PeerAddress&) const = default;
  bool operator<(const PeerAddress& o) const {
    return ip != o.ip ? ip < o.ip : port < o.port;
  }
  /// "IP:PORT".
  std::string Text() const { return ip + ":" + std::to_string(port); }
};

struct AnnounceRequest {
  /// The announce URL, http://HOST:PORT/announce.
  std::string tracker;
  std::string info_hash;  ///< 20 bytes
  std::string peer_id;    ///< 20 bytes
  int port = 0;           ///< where this peer serves
  uint64_t left = 0;      ///< bytes still to fetch; 0 once held
  /// "started", "completed", "stopped" or empty.
  std::string event;
  /// The local address to connect from (the tracker takes a peer's address
  /// from the connection, not from the query), or empty.
  std::string source;
  long timeout_seconds = 10;
  int numwant = 50;
};

struct AnnounceReply {
  /// The peers the tracker gave, this one included if it is registered.
  std::vector<PeerAddress> peers;
  /// The local address the request was sent from.
  std::string local_ip;
};

/// Sends one announce. `err` is the transfer's failure, the tracker's
/// "failure reason", or what is wrong with its answer.
bool Announce(const AnnounceRequest& request, AnnounceReply* reply,
              std::string* err);

}  // namespace rocks

#endif  // ROCKS_LIB_TRACKER_H_
