#include "repodata.h"

#include <sys/stat.h>

#include <ctime>
#include <set>

// createrepo_c's headers declare C functions without extern "C", and
// cr_Package has a member named `requires`, a keyword in C++20.
#include <glib.h>
#include <rpm/rpmlib.h>
extern "C" {
#define requires requires_
#include <createrepo_c/createrepo_c.h>
#undef requires
}
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "file.h"
#include "strutil.h"

namespace rocks {

namespace {

std::string TakeError(GError* gerr, const std::string& what) {
  std::string msg = what + ": " + (gerr ? gerr->message : "failed");
  if (gerr) g_error_free(gerr);
  return msg;
}

// Writes one gzip XML file of chunks and returns its filled repomd record.
cr_RepomdRecord* WriteXml(const std::string& dir, const char* type,
                          cr_XmlFileType ftype,
                          const std::vector<const RpmMetadata*>& packages,
                          std::string RpmMetadata::*chunk, std::string* err) {
  std::string path = dir + "/" + type + ".xml.gz";
  GError* gerr = nullptr;
  cr_ContentStat* stat = cr_contentstat_new(CR_CHECKSUM_SHA256, &gerr);
  cr_XmlFile* f = cr_xmlfile_sopen(path.c_str(), ftype, CR_CW_GZ_COMPRESSION,
                                   stat, &gerr);
  if (!f) {
    *err = TakeError(gerr, path);
    cr_contentstat_free(stat, nullptr);
    return nullptr;
  }
  bool ok = cr_xmlfile_set_num_of_pkgs(f, static_cast<long>(packages.size()),
                                       &gerr) == CRE_OK;
  for (size_t i = 0; ok && i < packages.size(); ++i)
    ok = cr_xmlfile_add_chunk(f, (packages[i]->*chunk).c_str(), &gerr) == CRE_OK;
  if (cr_xmlfile_close(f, ok ? &gerr : nullptr) != CRE_OK) ok = false;
  if (!ok) {
    *err = TakeError(gerr, path);
    cr_contentstat_free(stat, nullptr);
    return nullptr;
  }
  cr_RepomdRecord* rec = cr_repomd_record_new(type, path.c_str());
  cr_repomd_record_load_contentstat(rec, stat);
  cr_contentstat_free(stat, nullptr);
  if (cr_repomd_record_fill(rec, CR_CHECKSUM_SHA256, &gerr) != CRE_OK ||
      cr_repomd_record_rename_file(rec, &gerr) != CRE_OK) {
    *err = TakeError(gerr, path);
    cr_repomd_record_free(rec);
    return nullptr;
  }
  return rec;
}

}  // namespace

bool WriteRepodata(const std::string& repodata,
                   const std::vector<const RpmMetadata*>& packages,
                   const std::string& comps, std::string* err) {
  if (mkdir(repodata.c_str(), 0755) != 0) {
    *err = ErrnoText(repodata);
    return false;
  }
  cr_xml_dump_init();
  cr_Repomd* repomd = cr_repomd_new();
  struct Kind {
    const char* type;
    cr_XmlFileType ftype;
    std::string RpmMetadata::*chunk;
  };
  const Kind kinds[] = {
      {"primary", CR_XMLFILE_PRIMARY, &RpmMetadata::primary},
      {"filelists", CR_XMLFILE_FILELISTS, &RpmMetadata::filelists},
      {"other", CR_XMLFILE_OTHER, &RpmMetadata::other},
  };
  for (const Kind& k : kinds) {
    cr_RepomdRecord* rec = WriteXml(repodata, k.type, k.ftype, packages,
                                    k.chunk, err);
    if (!rec) {
      cr_repomd_free(repomd);
      return false;
    }
    cr_repomd_set_record(repomd, rec);
  }
  if (!comps.empty()) {
    std::string path = repodata + "/comps.xml";
    if (!WriteFileAtomic(path, comps, nullptr, err)) {
      cr_repomd_free(repomd);
      return false;
    }
    GError* gerr = nullptr;
    cr_RepomdRecord* group = cr_repomd_record_new("group", path.c_str());
    cr_RepomdRecord* group_gz = cr_repomd_record_new("group_gz", nullptr);
    if (cr_repomd_record_compress_and_fill(group, group_gz, CR_CHECKSUM_SHA256,
                                           CR_CW_GZ_COMPRESSION, nullptr,
                                           &gerr) != CRE_OK ||
        cr_repomd_record_rename_file(group, &gerr) != CRE_OK ||
        cr_repomd_record_rename_file(group_gz, &gerr) != CRE_OK) {
      *err = TakeError(gerr, path);
      cr_repomd_record_free(group);
      cr_repomd_record_free(group_gz);
      cr_repomd_free(repomd);
      return false;
    }
    cr_repomd_set_record(repomd, group);
    cr_repomd_set_record(repomd, group_gz);
  }
  cr_repomd_set_revision(repomd, std::to_string(time(nullptr)).c_str());
  cr_repomd_sort_records(repomd);
  GError* gerr = nullptr;
  char* xml = cr_xml_dump_repomd(repomd, &gerr);
  cr_repomd_free(repomd);
  if (!xml) {
    *err = TakeError(gerr, repodata + "/repomd.xml");
    return false;
  }
  bool ok = WriteFileAtomic(repodata + "/repomd.xml", xml, nullptr, err);
  g_free(xml);
  return ok;
}

namespace {

struct FirstError {
  bool set = false;
  int line = 0;
  std::string message;
};

void KeepFirstError(void* data, xmlErrorPtr e) {
  auto* first = static_cast<FirstError*>(data);
  if (first->set || !e) return;
  first->set = true;
  first->line = e->line;
  first->message = e->message ? Trim(e->message) : "malformed XML";
}

}  // namespace

namespace {

// `doc` parsed from the file at `path`, or from `text` when `path` is null.
bool ParseXml(const std::string* path, const std::string& text,
              const std::string& name, xmlDoc** doc, std::string* err) {
  FirstError first;
  // Errors go to our handler, never to stderr.
  xmlSetStructuredErrorFunc(&first, KeepFirstError);
  *doc = path ? xmlReadFile(path->c_str(), nullptr, XML_PARSE_NONET)
              : xmlReadMemory(text.data(), static_cast<int>(text.size()),
                              name.c_str(), nullptr, XML_PARSE_NONET);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (*doc && !first.set) return true;
  if (*doc) {
    xmlFreeDoc(*doc);
    *doc = nullptr;
  }
  *err = name + ":" + std::to_string(first.line) + ": " +
         (first.set ? first.message : "malformed XML");
  return false;
}

}  // namespace

bool ReadXmlDocument(const std::string& path, const std::string& name,
                     _xmlDoc** doc, std::string* err) {
  return ParseXml(&path, "", name, doc, err);
}

namespace {

std::string ChildText(xmlNode* node, const char* name) {
  for (xmlNode* c = node->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE &&
        xmlStrcmp(c->name, reinterpret_cast<const xmlChar*>(name)) == 0) {
      xmlChar* s = xmlNodeGetContent(c);
      std::string out = s ? reinterpret_cast<const char*>(s) : "";
      xmlFree(s);
      return out;
    }
  }
  return "";
}

}  // namespace

namespace {

// A comps file from its path (`text` unused) or from `text`.
struct CompsInput {
  const std::string* path;
  const std::string* text;
  const std::string* name;
};

bool Merge(const std::vector<CompsInput>& inputs, std::string* out,
           std::string* err) {
  out->clear();
  if (inputs.empty()) return true;
  xmlDoc* merged = xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0"));
  xmlNode* root = xmlNewNode(nullptr, reinterpret_cast<const xmlChar*>("comps"));
  xmlDocSetRootElement(merged, root);
  std::set<std::string> seen;
  for (const CompsInput& in : inputs) {
    xmlDoc* doc = nullptr;
    if (!ParseXml(in.path, in.path ? "" : *in.text, *in.name, &doc, err)) {
      xmlFreeDoc(merged);
      return false;
    }
    xmlNode* top = xmlDocGetRootElement(doc);
    if (!top || xmlStrcmp(top->name, reinterpret_cast<const xmlChar*>("comps"))) {
      *err = *in.name + ": not a comps file (root element is not <comps>)";
      xmlFreeDoc(doc);
      xmlFreeDoc(merged);
      return false;
    }
    for (xmlNode* c = top->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      std::string key = std::string(reinterpret_cast<const char*>(c->name)) +
                        "\t" + ChildText(c, "id");
      if (!seen.insert(key).second) continue;
      xmlAddChild(root, xmlDocCopyNode(c, merged, 1));
    }
    xmlFreeDoc(doc);
  }
  xmlChar* buf = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(merged, &buf, &size, "UTF-8", 1);
  out->assign(reinterpret_cast<const char*>(buf), static_cast<size_t>(size));
  xmlFree(buf);
  xmlFreeDoc(merged);
  return true;
}

}  // namespace

bool MergeComps(const std::vector<std::string>& paths, std::string* out,
                std::string* err) {
  std::vector<CompsInput> inputs;
  for (const std::string& p : paths) inputs.push_back({&p, nullptr, &p});
  return Merge(inputs, out, err);
}

bool MergeCompsTexts(const std::vector<CompsText>& files, std::string* out,
                     std::string* err) {
  std::vector<CompsInput> inputs;
  for (const CompsText& f : files) inputs.push_back({nullptr, &f.text, &f.name});
  return Merge(inputs, out, err);
}

bool SafeHref(const std::string& href) {
  if (href.empty() || href[0] == '/') return false;
  for (const std::string& part : Split(href, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

std::string FileChecksum(const std::string& path, const std::string& type,
                         std::string* err) {
  cr_ChecksumType t = cr_checksum_type(type.c_str());
  if (t == CR_CHECKSUM_UNKNOWN) {
    *err = "unknown checksum type '" + type + "'";
    return "";
  }
  GError* gerr = nullptr;
  char* sum = cr_checksum_file(path.c_str(), t, &gerr);
  if (!sum) {
    *err = gerr ? gerr->message : "cannot compute checksum";
    if (gerr) g_error_free(gerr);
    return "";
  }
  std::string out = sum;
  free(sum);
  return out;
}

namespace {

std::string NodeName(const xmlNode* n) {
  return reinterpret_cast<const char*>(n->name);
}

std::string NodeAttr(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

std::string NodeText(xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return Trim(out);
}

struct PrimaryData {
  std::vector<RepoFile>* files;
  std::string repo;
  std::string error;
};

int OnPackage(cr_Package* pkg, void* data, GError**) {
  auto* pd = static_cast<PrimaryData*>(data);
  RepoFile f;
  f.href = pkg->location_href ? pkg->location_href : "";
  f.base = pkg->location_base ? pkg->location_base : "";
  f.checksum_type = pkg->checksum_type ? pkg->checksum_type : "";
  f.checksum = pkg->pkgId ? pkg->pkgId : "";
  f.size = pkg->size_package > 0 ? static_cast<uint64_t>(pkg->size_package) : 0;
  f.name = pkg->name ? pkg->name : "?";
  cr_package_free(pkg);
  if (!SafeHref(f.href)) {
    pd->error = pd->repo + ": package " + f.name + ": unsafe location '" +
                f.href + "'";
    return CR_CB_RET_ERR;
  }
  if (!f.base.empty() && f.base.back() != '/') f.base += '/';
  pd->files->push_back(std::move(f));
  return CR_CB_RET_OK;
}

}  // namespace

bool ParseRepomd(const std::string& path, const std::string& name,
                 std::vector<RepomdRecord>* out, std::string* err) {
  xmlDoc* doc = nullptr;
  if (!ReadXmlDocument(path, name, &doc, err)) return false;
  xmlNode* root = xmlDocGetRootElement(doc);
  if (!root || NodeName(root) != "repomd") {
    *err = name + ": not a repomd.xml (root element is not <repomd>)";
    xmlFreeDoc(doc);
    return false;
  }
  for (xmlNode* d = root->children; d; d = d->next) {
    if (d->type != XML_ELEMENT_NODE || NodeName(d) != "data") continue;
    RepomdRecord e;
    e.type = NodeAttr(d, "type");
    for (xmlNode* c = d->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      std::string n = NodeName(c);
      if (n == "checksum") {
        e.file.checksum_type = NodeAttr(c, "type");
        e.file.checksum = NodeText(c);
      } else if (n == "location") {
        e.file.href = NodeAttr(c, "href");
      } else if (n == "size") {
        int64_t v = 0;
        if (ParseInt(NodeText(c), &v) && v > 0) e.file.size = static_cast<uint64_t>(v);
      }
    }
    if (!SafeHref(e.file.href) || e.file.checksum.empty()) {
      *err = name + ":" + std::to_string(xmlGetLineNo(d)) + ": data '" + e.type +
             "': missing or unsafe location or checksum";
      xmlFreeDoc(doc);
      return false;
    }
    out->push_back(std::move(e));
  }
  xmlFreeDoc(doc);
  return true;
}

bool ParsePrimary(const std::string& path, const std::string& repo,
                  std::vector<RepoFile>* out, std::string* err) {
  PrimaryData pd{out, repo, ""};
  GError* gerr = nullptr;
  if (cr_xml_parse_primary(path.c_str(), nullptr, nullptr, OnPackage, &pd,
                           nullptr, nullptr, 0, &gerr) != CRE_OK) {
    *err = pd.error.empty()
               ? repo + BaseName(path) + ": " + (gerr ? gerr->message : "bad XML")
               : pd.error;
    if (gerr) g_error_free(gerr);
    return false;
  }
  if (gerr) g_error_free(gerr);
  return true;
}

}  // namespace rocks
