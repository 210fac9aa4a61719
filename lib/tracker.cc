#include "tracker.h"

#include <curl/curl.h>

namespace rocks {

namespace {

class Decoder {
 public:
  explicit Decoder(std::string_view text) : text_(text) {}

  bool Value(BValue* out, int depth, std::string* err) {
    if (depth > 64) return Fail("nested too deeply", err);
    if (pos_ >= text_.size()) return Fail("unexpected end", err);
    char c = text_[pos_];
    if (c == 'i') {
      ++pos_;
      out->kind = BValue::Kind::kInt;
      return Integer('e', &out->integer, err);
    }
    if (c == 'l' || c == 'd') {
      ++pos_;
      out->kind = c == 'l' ? BValue::Kind::kList : BValue::Kind::kDict;
      while (pos_ < text_.size() && text_[pos_] != 'e') {
        BValue item;
        if (c == 'l') {
          if (!Value(&item, depth + 1, err)) return false;
          out->list.push_back(std::move(item));
          continue;
        }
        std::string key;
        if (!String(&key, err) || !Value(&item, depth + 1, err)) return false;
        out->dict[key] = std::move(item);
      }
      if (pos_ >= text_.size()) return Fail("unexpected end", err);
      ++pos_;
      return true;
    }
    out->kind = BValue::Kind::kString;
    return String(&out->string, err);
  }

  bool AtEnd() const { return pos_ == text_.size(); }
  size_t pos() const { return pos_; }

 private:
  bool Fail(const std::string& what, std::string* err) {
    *err = "bencode: byte " + std::to_string(pos_) + ": " + what;
    return false;
  }

  bool Integer(char end, int64_t* out, std::string* err) {
    bool negative = pos_ < text_.size() && text_[pos_] == '-';
    if (negative) ++pos_;
    size_t start = pos_;
    int64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (v > (INT64_MAX - 9) / 10) return Fail("number too large", err);
      v = v * 10 + (text_[pos_] - '0');
      ++pos_;
    }
    if (pos_ == start) return Fail("expected a digit", err);
    if (pos_ >= text_.size() || text_[pos_] != end)
      return Fail(std::string("expected '") + end + "'", err);
    ++pos_;
    *out = negative ? -v : v;
    return true;
  }

  bool String(std::string* out, std::string* err) {
    if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
      return Fail("expected a string length", err);
    int64_t n = 0;
    if (!Integer(':', &n, err)) return false;
    if (static_cast<uint64_t>(n) > text_.size() - pos_)
      return Fail("string runs past the end", err);
    *out = std::string(text_.substr(pos_, static_cast<size_t>(n)));
    pos_ += static_cast<size_t>(n);
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string Escape(const std::string& bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

const BValue* BValue::Find(const std::string& key) const {
  if (kind != Kind::kDict) return nullptr;
  auto it = dict.find(key);
  return it == dict.end() ? nullptr : &it->second;
}

bool BDecode(std::string_view text, BValue* out, std::string* err) {
  Decoder d(text);
  *out = BValue();
  if (!d.Value(out, 0, err)) return false;
  if (!d.AtEnd()) {
    *err = "bencode: byte " + std::to_string(d.pos()) + ": data after the value";
    return false;
  }
  return true;
}

std::string HexBytes(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool PackageInfoHash(const std::string& checksum_hex, std::string* hash,
                     std::string* err) {
  if (checksum_hex.size() < 40) {
    *err = "checksum '" + checksum_hex + "' is shorter than 40 hex digits";
    return false;
  }
  std::string out;
  for (size_t i = 0; i < 40; i += 2) {
    int v = 0;
    for (size_t j = i; j < i + 2; ++j) {
      char c = checksum_hex[j];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) {
        *err = "checksum '" + checksum_hex + "' is not hex";
        return false;
      }
      v = v * 16 + d;
    }
    out += static_cast<char>(v);
  }
  *hash = out;
  return true;
}

bool Announce(const AnnounceRequest& request, AnnounceReply* reply,
              std::string* err) {
  *reply = AnnounceReply();
  std::string url = request.tracker;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "info_hash=" + Escape(request.info_hash) +
         "&peer_id=" + Escape(request.peer_id) +
         "&port=" + std::to_string(request.port) +
         "&uploaded=0&downloaded=0&left=" + std::to_string(request.left) +
         "&compact=1&numwant=" + std::to_string(request.numwant);
  if (!request.event.empty()) url += "&event=" + request.event;
  CURL* easy = curl_easy_init();
  if (!easy) {
    *err = "cannot start a transfer";
    return false;
  }
  std::string body;
  std::string source = "host!" + request.source;
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(easy, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, request.timeout_seconds);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "avalanche-peer");
  if (!request.source.empty()) curl_easy_setopt(easy, CURLOPT_INTERFACE, source.c_str());
  CURLcode code = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK) {
    char* ip = nullptr;
    curl_easy_getinfo(easy, CURLINFO_LOCAL_IP, &ip);
    if (ip) reply->local_ip = ip;
  }
  curl_easy_cleanup(easy);
  if (code == CURLE_HTTP_RETURNED_ERROR) {
    *err = "HTTP " + std::to_string(status);
    return false;
  }
  if (code != CURLE_OK) {
    *err = curl_easy_strerror(code);
    return false;
  }
  BValue v;
  if (!BDecode(body, &v, err)) return false;
  if (const BValue* f = v.Find("failure reason")) {
    *err = "tracker says: " + f->string;
    return false;
  }
  const BValue* peers = v.Find("peers");
  if (!peers || peers->kind != BValue::Kind::kString || peers->string.size() % 6) {
    *err = "answer without a compact peer list";
    return false;
  }
  const std::string& p = peers->string;
  for (size_t i = 0; i < p.size(); i += 6) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(p[i + k]); };
    PeerAddress a;
    a.ip = std::to_string(b(0)) + "." + std::to_string(b(1)) + "." +
           std::to_string(b(2)) + "." + std::to_string(b(3));
    a.port = b(4) * 256 + b(5);
    reply->peers.push_back(a);
  }
  return true;
}

}  // namespace rocks
