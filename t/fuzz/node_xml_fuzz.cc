// Fuzz target: a node file (or a graph file) through the profile tree,
// kpp's expansion and kgen, and a cond= expression through the cond
// parser and evaluator.
//
// Input: the first line is a cond= expression; the rest is the body of
// nodes/fuzz.xml, or of graphs/default/fuzz.xml when it holds "<graph".
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cond.h"
#include "graph.h"
#include "kickstart.h"
#include "profile.h"

namespace {

std::string g_dir;

const char kGraph[] =
    "<graph>\n"
    "  <edge from=\"fuzz\" to=\"leaf\" cond=\"x86_64 == Node_Architecture\"/>\n"
    "  <edge from=\"fuzz\"><to arch=\"aarch64\">leaf</to></edge>\n"
    "  <order head=\"leaf\" tail=\"fuzz\"/>\n"
    "  <attr name=\"Kickstart_Lang\" value=\"en_US\"/>\n"
    "</graph>\n";
const char kNode[] =
    "<kickstart>\n"
    "  <package>bash</package>\n"
    "  <post cond=\"Kickstart_Lang\">echo &Kickstart_Lang;</post>\n"
    "</kickstart>\n";
const char kLeaf[] =
    "<kickstart roll=\"leaf\">\n"
    "  <main>lang &Kickstart_Lang;</main>\n"
    "  <pre>echo pre</pre>\n"
    "</kickstart>\n";

void Write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void RemoveDir() { std::filesystem::remove_all(g_dir); }

// What the entities of the shipped node files name, and a few more for
// cond=.
rocks::Attributes Attrs() {
  rocks::Attributes a = {{"Node_Architecture", "x86_64"}, {"Node_Hostname", "compute-0-0"},
                         {"rack", "0"}, {"ssh", "yes"}, {"empty", ""}};
  for (const char* name : {"Info_ClusterName",
                           "Kickstart_DistName",
                           "Kickstart_DistURL",
                           "Kickstart_Keyboard",
                           "Kickstart_Lang",
                           "Kickstart_Mirror",
                           "Kickstart_NFSHome",
                           "Kickstart_P2PPort",
                           "Kickstart_P2PTrackerPort",
                           "Kickstart_PrivateAddress",
                           "Kickstart_PrivateDNSDomain",
                           "Kickstart_PrivateDNSServers",
                           "Kickstart_PrivateHostname",
                           "Kickstart_PrivateInterface",
                           "Kickstart_PrivateKickstartBasedir",
                           "Kickstart_PrivateKickstartHost",
                           "Kickstart_PrivateMAC",
                           "Kickstart_PrivateNTPHost",
                           "Kickstart_PrivateNetmask",
                           "Kickstart_PrivateNetmaskCIDR",
                           "Kickstart_PrivateNetwork",
                           "Kickstart_PrivateSyslogHost",
                           "Kickstart_PublicAddress",
                           "Kickstart_PublicDNSServers",
                           "Kickstart_PublicGateway",
                           "Kickstart_PublicHostname",
                           "Kickstart_PublicInterface",
                           "Kickstart_PublicKey",
                           "Kickstart_PublicMAC",
                           "Kickstart_PublicNetmask",
                           "Kickstart_PublicNetmaskCIDR",
                           "Kickstart_PublicNetwork",
                           "Kickstart_RootPassword",
                           "Kickstart_SNMPCommunity",
                           "Kickstart_Timezone",
                           "Node_Address",
                           "Node_Appliance",
                           "Users_Key"})
    a[name] = std::string("value of ") + name + " & <it>";
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/rocks-fuzz-XXXXXX";
  if (!mkdtemp(tmpl.data())) std::abort();
  g_dir = tmpl;
  std::atexit(RemoveDir);
  for (const char* sub : {"/graphs/default", "/nodes", "/site-nodes", "/include"})
    std::filesystem::create_directories(g_dir + sub);
  Write(g_dir + "/nodes/leaf.xml", kLeaf);
  Write(g_dir + "/include/part", "included text\n");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string cond_text = in.substr(0, nl);
  std::string body = nl == std::string::npos ? "" : in.substr(nl + 1);
  rocks::Attributes attrs = Attrs();
  std::string err;

  rocks::Cond cond;
  if (cond.Parse(cond_text, &err)) cond.Eval(attrs);
  rocks::InList(cond_text, "x86_64");

  bool graph = body.find("<graph") != std::string::npos;
  Write(g_dir + "/graphs/default/fuzz.xml", graph ? body : kGraph);
  Write(g_dir + "/nodes/fuzz.xml", graph ? kNode : body);

  rocks::ProfileTree tree;
  if (!tree.Load(g_dir, "default", &err)) return 0;
  rocks::ProfileOptions options;
  options.root = "fuzz";
  options.appliance = "compute";
  options.host = "compute-0-0";
  options.allow_missing = true;
  std::string xml;
  if (!rocks::ExpandProfile(&tree, options, attrs, &xml, &err)) return 0;
  std::string ks;
  rocks::GenerateKickstart(xml, "compute-0-0.xml", rocks::KickstartOptions(), &ks, &err);
  rocks::Selection sel;
  sel.attrs = &attrs;
  std::string dot;
  tree.Dot("fuzz", sel, &dot, &err);
  return 0;
}
