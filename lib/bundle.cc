#include "bundle.h"

#include <elf.h>
#include <link.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "file.h"
#include "iso.h"
#include "strutil.h"

namespace rocks {

namespace {

struct Walk {
  std::vector<std::string>* paths;
  std::string* loader;
};

int Visit(struct dl_phdr_info* info, size_t, void* data) {
  Walk* w = static_cast<Walk*>(data);
  std::string name = info->dlpi_name ? info->dlpi_name : "";
  if (name.empty()) {
    // The program itself: its PT_INTERP names the loader.
    for (int i = 0; i < info->dlpi_phnum; ++i)
      if (info->dlpi_phdr[i].p_type == PT_INTERP)
        *w->loader = reinterpret_cast<const char*>(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    return 0;
  }
  // The vDSO has a name but no file.
  if (name[0] == '/') w->paths->push_back(name);
  return 0;
}

// The script that runs the program through the bundled loader: the
// system's own loader and libraries are never used, nor LD_LIBRARY_PATH.
std::string RunScript(const std::string& name, const std::string& loader) {
  return "#!/bin/sh\n"
         "# Runs " + name + " on the libraries beside it (see " + name + "(8)).\n"
         "d=$(cd \"$(dirname \"$0\")\" && pwd) || exit 1\n"
         "unset LD_LIBRARY_PATH LD_PRELOAD\n"
         "exec \"$d/lib/" + BaseName(loader) + "\" --library-path \"$d/lib\" \"$d/bin/" + name +
         "\" \"$@\"\n";
}

}  // namespace

bool LoadedObjects(std::vector<std::string>* paths, std::string* loader, std::string* err) {
  paths->clear();
  loader->clear();
  Walk w{paths, loader};
  dl_iterate_phdr(Visit, &w);
  if (loader->empty()) {
    *err = "this program names no dynamic loader (it is linked statically)";
    return false;
  }
  bool listed = false;
  for (const std::string& p : *paths)
    if (p == *loader || BaseName(p) == BaseName(*loader)) listed = true;
  if (!listed) paths->push_back(*loader);
  return true;
}

bool WriteSelfBundle(const std::string& name, const std::string& out, std::string* err) {
  std::vector<std::string> objects;
  std::string loader, why;
  if (!LoadedObjects(&objects, &loader, &why)) {
    *err = out + ": " + why;
    return false;
  }
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n < 0) {
    *err = out + ": " + ErrnoText("/proc/self/exe");
    return false;
  }
  self[n] = '\0';
  if (!MakeDirs(DirName(out), err)) return false;
  std::string tmpl = DirName(out) + "/." + BaseName(out) + ".XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {
    *err = ErrnoText(out);
    return false;
  }
  std::string stage = buf.data();
  std::string top = stage + "/" + name;
  bool ok = MakeDirs(top + "/bin", err) && MakeDirs(top + "/lib", err);
  // The tree is symbolic links to the files themselves; the archive
  // follows them.
  auto link = [&](const std::string& target, const std::string& at) {
    if (symlink(target.c_str(), at.c_str()) == 0) return true;
    *err = ErrnoText(at);
    return false;
  };
  if (ok) ok = link(self, top + "/bin/" + name);
  std::set<std::string> seen;
  for (const std::string& p : objects) {
    if (!ok) break;
    if (!seen.insert(BaseName(p)).second) continue;
    ok = link(p, top + "/lib/" + BaseName(p));
  }
  if (ok) ok = WriteFileAtomic(top + "/run", RunScript(name, loader), nullptr, err, 0755);
  if (ok) ok = WriteTarXz(stage, out, err);
  std::error_code ec;
  std::filesystem::remove_all(stage, ec);
  return ok;
}

}  // namespace rocks
