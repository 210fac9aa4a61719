// Tests for lib/graph and lib/profile: reading a profile tree, the walk
// and its order, node file lookup, and the expansion kpp prints.
#include "graph.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "profile.h"
#include "temp_dir.h"

namespace rocks {
namespace {

class GraphTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.Make("graph-test")) << tmp_.error();
    dir_ = tmp_.path();
    std::filesystem::create_directories(dir_ + "/graphs/default");
    std::filesystem::create_directories(dir_ + "/nodes");
    std::filesystem::create_directories(dir_ + "/site-nodes");
    std::filesystem::create_directories(dir_ + "/include");
  }

  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ + "/" + rel) << text;
  }
  void Node(const std::string& name, const std::string& body = "") {
    Write("nodes/" + name + ".xml", "<kickstart>" + body + "</kickstart>\n");
  }
  void Graph(const std::string& body) {
    Write("graphs/default/g.xml", "<graph>\n" + body + "</graph>\n");
  }

  // The walk's node names joined by spaces, or "error: ...".
  std::string Walk(const std::string& root, const Attributes& attrs = {},
                   bool allow_missing = false) {
    ProfileTree tree;
    std::string err;
    if (!tree.Load(dir_, "default", &err)) return "error: " + err;
    Selection sel;
    sel.attrs = &attrs;
    std::vector<const NodeFile*> nodes;
    if (!tree.Walk(root, sel, allow_missing, &nodes, &err)) return "error: " + err;
    std::string s;
    for (const NodeFile* n : nodes) s += (s.empty() ? "" : " ") + n->name;
    return s;
  }

  std::string Expand(const std::string& root, const Attributes& attrs = {}) {
    ProfileTree tree;
    std::string err, xml;
    if (!tree.Load(dir_, "default", &err)) return "error: " + err;
    ProfileOptions o;
    o.root = root;
    o.appliance = root;
    if (!ExpandProfile(&tree, o, attrs, &xml, &err)) return "error: " + err;
    // Only the elements after the header lines.
    size_t start = xml.find('\n', xml.find("<profile")) + 1;
    return xml.substr(start);
  }

  test::ScopedTempDir tmp_;  // goes with the fixture, and all in it

  std::string dir_;
};

TEST_F(GraphTest, DepthFirstEachNodeOnce) {
  for (const char* n : {"a", "b", "c", "d"}) Node(n);
  Graph("<edge from='a' to='b'/><edge from='b' to='d'/>"
        "<edge from='a'><to>c</to><to>d</to></edge><edge from='c' to='a'/>");
  EXPECT_EQ(Walk("a"), "a b d c");
}

TEST_F(GraphTest, EdgeConditionsPruneSubtrees) {
  for (const char* n : {"a", "b", "c", "d"}) Node(n);
  Graph("<edge from='a' to='b' cond='want_b'/><edge from='b' to='c'/>"
        "<edge from='a' to='d' arch='aarch64'/>");
  EXPECT_EQ(Walk("a"), "a");
  EXPECT_EQ(Walk("a", {{"want_b", "yes"}}), "a b c");
}

TEST_F(GraphTest, OrderHeadTailAndTopological) {
  for (const char* n : {"root", "x", "y", "z", "last", "first"}) Node(n);
  Graph("<edge from='root'><to>x</to><to>y</to><to>z</to><to>last</to>"
        "<to>first</to></edge>\n"
        "<order head='TAIL' tail='last'/>\n"
        "<order head='HEAD' tail='first'/>\n"
        "<order head='z' tail='y'/>\n");
  // Constrained nodes first (topologically, ties in walk order), then the
  // free ones in walk order, then those after TAIL.
  EXPECT_EQ(Walk("root"), "first z y root x last");
}

TEST_F(GraphTest, OrderCycleIsAnErrorNamingTheNodes) {
  Node("a");
  Graph("<order head='a' tail='b'/>\n<order head='b' tail='c'/>\n"
        "<order head='c' tail='a'/>\n");
  EXPECT_EQ(Walk("a"), "error: " + dir_ +
                           "/graphs/default/g.xml:4: <order> cycle: a -> b -> c -> a");
}

// The cycle check used to recurse once per link and overflowed the stack.
TEST_F(GraphTest, LongOrderChain) {
  Node("n0");
  std::string orders;
  const int kLinks = 60000;
  for (int i = 0; i < kLinks; ++i)
    orders += "<order head='n" + std::to_string(i) + "' tail='n" + std::to_string(i + 1) +
              "'/>\n";
  Graph(orders);
  EXPECT_EQ(Walk("n0"), "n0");
  Graph(orders + "<order head='n" + std::to_string(kLinks) + "' tail='n0'/>\n");
  std::string err = Walk("n0");
  std::string want = "error: " + dir_ + "/graphs/default/g.xml:" +
                     std::to_string(kLinks + 2) + ": <order> cycle: n0 -> n1 -> ";
  EXPECT_EQ(err.substr(0, want.size()), want);
  std::string tail = " -> n" + std::to_string(kLinks) + " -> n0";
  ASSERT_GT(err.size(), tail.size());
  EXPECT_EQ(err.substr(err.size() - tail.size()), tail);
}

TEST_F(GraphTest, MissingNodeFile) {
  Node("a");
  Graph("<edge from='a' to='gone'/>\n");
  EXPECT_EQ(Walk("a"), "error: " + dir_ + "/graphs/default/g.xml:2: edge to gone: "
                       "no node file gone.xml in " + dir_ + "/nodes or " + dir_ +
                       "/site-nodes");
  EXPECT_EQ(Walk("a", {}, true), "a");
  EXPECT_EQ(Walk("nothing"), "error: nothing: no node file nothing.xml in " + dir_ +
                                 "/nodes or " + dir_ + "/site-nodes");
}

TEST_F(GraphTest, BadGraphFiles) {
  Graph("<edge from='a'/>\n");
  EXPECT_EQ(Walk("a"), "error: " + dir_ + "/graphs/default/g.xml:2: <edge> needs from and to");
  Graph("<edge from='a' to='b' cond='x =='/>\n");
  EXPECT_EQ(Walk("a"), "error: " + dir_ + "/graphs/default/g.xml:2: cond=\"x ==\": "
                       "column 5: expected a value, found end of expression");
  Graph("<edges/>\n");
  EXPECT_EQ(Walk("a"), "error: " + dir_ + "/graphs/default/g.xml:2: unknown tag <edges> "
                       "(expected <edge>, <order> or <attr>)");
  Write("graphs/default/g.xml", "<graph>\n<edge from='a' to='b'>\n</graph>\n");
  EXPECT_EQ(Walk("a"), "error: " + dir_ + "/graphs/default/g.xml:3: Opening and ending "
                       "tag mismatch: edge line 2 and graph");
}

TEST_F(GraphTest, SiteNodesExtendAndReplace) {
  Node("a", "<package>one</package>");
  Node("b", "<package>two</package>");
  Write("site-nodes/extend-a.xml", "<kickstart><package>three</package></kickstart>");
  Write("site-nodes/replace-b.xml", "<kickstart><package>four</package></kickstart>");
  Write("site-nodes/c.xml", "<kickstart><package>five</package></kickstart>");
  Graph("<edge from='a' to='b'/><edge from='a' to='c'/>");
  EXPECT_EQ(Expand("a"),
            "<node name=\"a\" file=\"nodes/a.xml\" roll=\"base\"/>\n"
            "<node name=\"a\" file=\"site-nodes/extend-a.xml\" roll=\"base\"/>\n"
            "<node name=\"b\" file=\"site-nodes/replace-b.xml\" roll=\"base\"/>\n"
            "<node name=\"c\" file=\"site-nodes/c.xml\" roll=\"base\"/>\n"
            "<package node=\"a\" file=\"nodes/a.xml\">one</package>\n"
            "<package node=\"a\" file=\"site-nodes/extend-a.xml\">three</package>\n"
            "<package node=\"b\" file=\"site-nodes/replace-b.xml\">four</package>\n"
            "<package node=\"c\" file=\"site-nodes/c.xml\">five</package>\n"
            "</profile>\n");
}

TEST_F(GraphTest, ExpandEntitiesVarsFilesAndFilters) {
  Write("include/motd", "hello & welcome\n");
  Node("a",
       "<main><lang>&Lang;</lang><timezone cond='no_tz'>x</timezone></main>\n"
       "<package type='meta'>core</package><package disable='1'>plymouth</package>\n"
       "<package arch='aarch64'>grub2-efi-aa64</package>\n"
       "<var name='greeting' val='hi &amp; bye'/>\n"
       "<post arg='--nochroot'>echo <var name='greeting'/> &Lang;\n"
       "<file name='/etc/motd' perms='0644'><include file='motd'/></file></post>\n");
  Graph("");
  EXPECT_EQ(Expand("a", {{"Lang", "en_US.UTF-8"}}),
            "<node name=\"a\" file=\"nodes/a.xml\" roll=\"base\"/>\n"
            "<main node=\"a\" file=\"nodes/a.xml\" name=\"lang\">en_US.UTF-8</main>\n"
            "<package node=\"a\" file=\"nodes/a.xml\" type=\"meta\">core</package>\n"
            "<package node=\"a\" file=\"nodes/a.xml\" disable=\"1\">plymouth</package>\n"
            "<post node=\"a\" file=\"nodes/a.xml\" arg=\"--nochroot\">echo hi &amp; bye "
            "en_US.UTF-8\n<file name=\"/etc/motd\" mode=\"create\" perms=\"0644\" "
            "vars=\"literal\">hello &amp; welcome\n</file></post>\n"
            "</profile>\n");
}

TEST_F(GraphTest, UnknownEntityNamesFileAndLine) {
  Node("a", "\n<main>\n<lang>&Lang;</lang>\n</main>\n");
  Graph("");
  EXPECT_EQ(Expand("a", {{"Lange", "x"}}),
            "error: " + dir_ + "/nodes/a.xml:3: unknown entity &Lang; "
                               "(did you mean &Lange;?)");
}

// The entity markers in a node file, or in <eval mode="xml"> output, used
// to send the expansion into an endless loop.
TEST_F(GraphTest, EntityMarkerCharactersAreRefused) {
  Graph("");
  Node("a", "\n<main>\n<lang>\xEE\x80\x80Lang</lang></main>\n");
  EXPECT_EQ(Expand("a", {{"Lang", "C"}}),
            "error: " + dir_ + "/nodes/a.xml:3: character U+E000 is reserved");
  Node("a", "<main><lang>Lang\xEE\x80\x81</lang></main>\n");
  EXPECT_EQ(Expand("a", {{"Lang", "C"}}),
            "error: " + dir_ + "/nodes/a.xml:1: character U+E001 is reserved");

  Node("a", "\n<post><eval mode='xml'>printf '\\356\\200\\200x'</eval></post>\n");
  ProfileTree tree;
  std::string err, xml;
  ASSERT_TRUE(tree.Load(dir_, "default", &err)) << err;
  ProfileOptions o;
  o.root = o.appliance = "a";
  o.eval = true;
  EXPECT_FALSE(ExpandProfile(&tree, o, {}, &xml, &err));
  EXPECT_EQ(err, dir_ + "/nodes/a.xml:2: <eval> output: character U+E000 is reserved");
}

TEST_F(GraphTest, EvalNeedsPermission) {
  Node("a", "\n<post><eval>echo hi</eval></post>\n");
  Graph("");
  EXPECT_EQ(Expand("a"), "error: " + dir_ + "/nodes/a.xml:2: <eval> is not run: evaluation is off");
}

TEST_F(GraphTest, DefaultsFromGraphFiles) {
  Node("a", "<main><lang>&Lang;</lang></main>");
  Graph("<attr name='Lang' value='C'/>\n");
  EXPECT_EQ(Expand("a"),
            "<node name=\"a\" file=\"nodes/a.xml\" roll=\"base\"/>\n"
            "<main node=\"a\" file=\"nodes/a.xml\" name=\"lang\">C</main>\n"
            "</profile>\n");
  EXPECT_EQ(Expand("a", {{"Lang", "de_DE"}}),
            "<node name=\"a\" file=\"nodes/a.xml\" roll=\"base\"/>\n"
            "<main node=\"a\" file=\"nodes/a.xml\" name=\"lang\">de_DE</main>\n"
            "</profile>\n");
}

TEST(MarkEntitiesTest, SkipsXmlEntitiesCommentsAndCdata) {
  std::vector<EntityRef> refs;
  std::string out = MarkEntities(
      "<a>&lt;&amp;&#65;&X;<!-- &Y; -->\n<![CDATA[&Z;]]>&W.v-1;</a>", &refs);
  EXPECT_EQ(out, std::string("<a>&lt;&amp;&#65;") + kEntityOpen + "X" + kEntityClose +
                     "<!-- &Y; -->\n<![CDATA[&Z;]]>" + kEntityOpen + "W.v-1" +
                     kEntityClose + "</a>");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].name, "X");
  EXPECT_EQ(refs[0].line, 1);
  EXPECT_EQ(refs[1].name, "W.v-1");
  EXPECT_EQ(refs[1].line, 2);
}

}  // namespace
}  // namespace rocks
