#include "rpmhdr.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

// createrepo_c's headers declare C functions without extern "C", and
// cr_Package has a member named `requires`, a keyword in C++20.
#include <glib.h>
#include <rpm/rpmlib.h>
extern "C" {
#define requires requires_
#include <createrepo_c/createrepo_c.h>
#undef requires
}
#include <rpm/header.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmts.h>
#include <rpm/rpmver.h>

#include "strutil.h"

namespace rocks {

std::string RpmInfo::Evr() const {
  std::string s;
  if (has_epoch) s = std::to_string(epoch) + ":";
  return s + version + "-" + release;
}

std::string RpmInfo::Nevra() const { return name + "-" + Evr() + "." + arch; }

std::string RpmInfo::FileName() const {
  return name + "-" + version + "-" + release + "." + arch + ".rpm";
}

int CompareVersions(const std::string& a, const std::string& b) {
  return rpmvercmp(a.c_str(), b.c_str());
}

int CompareEvr(const RpmInfo& a, const RpmInfo& b) {
  if (a.epoch != b.epoch) return a.epoch < b.epoch ? -1 : 1;
  int c = CompareVersions(a.version, b.version);
  if (c) return c;
  return CompareVersions(a.release, b.release);
}

namespace {

void DropGlibMessage(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

// librpm and createrepo_c report problems on stderr themselves; a library
// must not print, and every failure here is returned to the caller anyway.
void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    rpmlogSetMask(RPMLOG_UPTO(RPMLOG_EMERG));
    g_log_set_handler("C_CREATEREPOLIB",
                      static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK |
                                                  G_LOG_FLAG_FATAL |
                                                  G_LOG_FLAG_RECURSION),
                      DropGlibMessage, nullptr);
    cr_package_parser_init();
    cr_xml_dump_init();
  });
}

// One transaction set per thread: rpmts is not safe to share.
rpmts ThreadTs() {
  thread_local struct Holder {
    rpmts ts = nullptr;
    ~Holder() {
      if (ts) rpmtsFree(ts);
    }
  } holder;
  if (!holder.ts) {
    holder.ts = rpmtsCreate();
    // Signatures and digests are not what picks a winner; skipping them
    // is what createrepo_c does too.
    rpmtsSetVSFlags(holder.ts,
                    _RPMVSF_NODIGESTS | _RPMVSF_NOSIGNATURES | RPMVSF_NOHDRCHK);
  }
  return holder.ts;
}

bool ReadHeader(const std::string& path, Header* hdr, std::string* err) {
  InitOnce();
  FD_t fd = Fopen(path.c_str(), "r.ufdio");
  if (!fd || Ferror(fd)) {
    int saved = errno;
    if (fd) Fclose(fd);
    *err = ErrnoText(path, saved ? saved : EIO);
    return false;
  }
  rpmRC rc = rpmReadPackageFile(ThreadTs(), fd, path.c_str(), hdr);
  Fclose(fd);
  if (rc == RPMRC_OK || rc == RPMRC_NOTTRUSTED || rc == RPMRC_NOKEY) return true;
  *err = path + ": not an RPM";
  return false;
}

void FillInfo(Header hdr, RpmInfo* info) {
  auto str = [&](rpmTagVal tag) {
    const char* s = headerGetString(hdr, tag);
    return std::string(s ? s : "");
  };
  info->name = str(RPMTAG_NAME);
  info->version = str(RPMTAG_VERSION);
  info->release = str(RPMTAG_RELEASE);
  info->has_epoch = headerIsEntry(hdr, RPMTAG_EPOCH);
  info->epoch = info->has_epoch ? headerGetNumber(hdr, RPMTAG_EPOCH) : 0;
  info->source = headerIsSource(hdr);
  info->arch = info->source ? "src" : str(RPMTAG_ARCH);
}

std::string TakeString(char* s) {
  std::string out(s ? s : "");
  g_free(s);
  return out;
}

}  // namespace

bool ReadRpmHeader(const std::string& path, RpmInfo* info, std::string* err) {
  Header hdr = nullptr;
  if (!ReadHeader(path, &hdr, err)) return false;
  FillInfo(hdr, info);
  headerFree(hdr);
  return true;
}

namespace {

bool ReadFull(const std::function<ssize_t(void*, size_t)>& read, void* buf,
              size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    ssize_t got = read(p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool Skip(const std::function<ssize_t(void*, size_t)>& read, size_t n) {
  unsigned char buf[1 << 14];
  while (n > 0) {
    size_t chunk = n < sizeof buf ? n : sizeof buf;
    if (!ReadFull(read, buf, chunk)) return false;
    n -= chunk;
  }
  return true;
}

uint32_t Be32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

// A header structure's first 16 bytes: magic, version 1, four reserved
// bytes, the number of index entries and the size of the data, within
// librpm's own limits.
bool ReadIntro(const std::function<ssize_t(void*, size_t)>& read,
               unsigned char intro[16], uint32_t* il, uint32_t* dl) {
  static const unsigned char kMagic[4] = {0x8e, 0xad, 0xe8, 0x01};
  if (!ReadFull(read, intro, 16) || std::memcmp(intro, kMagic, 4) != 0)
    return false;
  *il = Be32(intro + 8);
  *dl = Be32(intro + 12);
  return *il > 0 && *il <= 0xffff && *dl <= 0x0fffffff;
}

}  // namespace

// The file is a 96-byte lead, the signature header padded to 8 bytes, then
// the header; only the last says what the package is.
bool ReadRpmHeaderFrom(const std::function<ssize_t(void* buf, size_t n)>& read,
                       const std::string& name, RpmInfo* info, std::string* err) {
  InitOnce();
  static const unsigned char kLeadMagic[4] = {0xed, 0xab, 0xee, 0xdb};
  unsigned char lead[96];
  unsigned char intro[16];
  uint32_t il = 0, dl = 0;
  Header hdr = nullptr;
  if (ReadFull(read, lead, sizeof lead) &&
      std::memcmp(lead, kLeadMagic, 4) == 0 && ReadIntro(read, intro, &il, &dl) &&
      Skip(read, size_t{il} * 16 + dl + (8 - dl % 8) % 8) &&
      ReadIntro(read, intro, &il, &dl)) {
    // headerImport takes the structure from its counts on.
    std::vector<unsigned char> blob(8 + size_t{il} * 16 + dl);
    std::memcpy(blob.data(), intro + 8, 8);
    if (ReadFull(read, blob.data() + 8, blob.size() - 8))
      hdr = headerImport(blob.data(), static_cast<unsigned int>(blob.size()),
                         HEADERIMPORT_COPY);
  }
  if (!hdr) {
    *err = name + ": not an RPM";
    return false;
  }
  FillInfo(hdr, info);
  headerFree(hdr);
  return true;
}

bool ReadRpmMetadata(const std::string& path, const std::string& location_dir,
                     RpmMetadata* md, std::string* err) {
  Header hdr = nullptr;
  if (!ReadHeader(path, &hdr, err)) return false;
  FillInfo(hdr, &md->info);
  md->primary.clear();
  md->filelists.clear();
  md->other.clear();
  if (md->info.source) {
    headerFree(hdr);
    return true;
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    *err = ErrnoText(path);
    headerFree(hdr);
    return false;
  }
  GError* gerr = nullptr;
  cr_Package* pkg = cr_package_from_header(hdr, 10, CR_HDRR_NONE, &gerr);
  headerFree(hdr);
  if (!pkg) {
    *err = path + ": not an RPM (" + (gerr ? gerr->message : "bad header") + ")";
    if (gerr) g_error_free(gerr);
    return false;
  }
  bool ok = false;
  char* checksum = nullptr;
  struct cr_HeaderRangeStruct range;
  struct cr_XmlStruct xml;
  std::string href = location_dir + "/" + md->info.FileName();
  pkg->location_href = cr_safe_string_chunk_insert(pkg->chunk, href.c_str());
  pkg->checksum_type = cr_safe_string_chunk_insert(
      pkg->chunk, cr_checksum_name_str(CR_CHECKSUM_SHA256));
  pkg->time_file = st.st_mtime;
  pkg->size_package = st.st_size;
  checksum = cr_checksum_file(path.c_str(), CR_CHECKSUM_SHA256, &gerr);
  if (!checksum) goto out;
  pkg->pkgId = cr_safe_string_chunk_insert(pkg->chunk, checksum);
  free(checksum);
  range = cr_get_header_byte_range(path.c_str(), &gerr);
  if (gerr) goto out;
  pkg->rpm_header_start = range.start;
  pkg->rpm_header_end = range.end;
  xml = cr_xml_dump(pkg, &gerr);
  if (gerr) {
    g_free(xml.primary);
    g_free(xml.filelists);
    g_free(xml.other);
    goto out;
  }
  md->primary = TakeString(xml.primary);
  md->filelists = TakeString(xml.filelists);
  md->other = TakeString(xml.other);
  ok = true;
out:
  if (!ok) {
    *err = path + ": " + (gerr ? gerr->message : "cannot read");
    if (gerr) g_error_free(gerr);
  }
  cr_package_free(pkg);
  return ok;
}

}  // namespace rocks
