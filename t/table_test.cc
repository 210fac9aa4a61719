// Tests for lib/table: listings as an aligned table, TSV and JSON.
#include "table.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace rocks {
namespace {

Table Hosts() {
  Table t;
  t.name = "hosts";
  t.columns = {{"HOST", false}, {"CPUS", true}, {"MAC", false}};
  t.rows = {
      {"compute-0-0", "4", "00:11:22:33:44:55"},
      {"frontend", "16", std::nullopt},
  };
  return t;
}

TEST(RenderTableTest, AlignedTable) {
  EXPECT_EQ(RenderTable(Hosts(), OutputFormat::kTable),
            "HOST        CPUS MAC\n"
            "compute-0-0 4    00:11:22:33:44:55\n"
            "frontend    16   -\n");
}

TEST(RenderTableTest, Tsv) {
  EXPECT_EQ(RenderTable(Hosts(), OutputFormat::kTsv),
            "compute-0-0\t4\t00:11:22:33:44:55\n"
            "frontend\t16\t\n");
}

TEST(RenderTableTest, TsvEscapesSeparatorsAndBackslashes) {
  Table t;
  t.columns = {{"NAME", false}, {"COMMENT", false}};
  t.rows = {{"a", "two\tcols\nand a line \\ back\r\x01"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv),
            "a\ttwo\\tcols\\nand a line \\\\ back\\r\\x01\n");
}

TEST(RenderTableTest, Json) {
  EXPECT_EQ(RenderTable(Hosts(), OutputFormat::kJson), R"({
   "hosts": [
      {
         "host": "compute-0-0",
         "cpus": 4,
         "mac": "00:11:22:33:44:55"
      },{
         "host": "frontend",
         "cpus": 16,
         "mac": null
      }
   ]
}
)");
}

TEST(RenderTableTest, AbsentNumericIsNullInJson) {
  Table t;
  t.columns = {{"NAME", false}, {"RANK", true}};
  t.rows = {{"a", std::nullopt}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), R"({
   "": [
      {
         "name": "a",
         "rank": null
      }
   ]
}
)");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "a\t\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable),
            "NAME RANK\n"
            "a    -\n");
}

TEST(RenderTableTest, ShortRowsAreAbsentValues) {
  Table t;
  t.columns = {{"A", false}, {"B", true}, {"C", false}};
  t.rows = {{"x"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "A B C\nx - -\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "x\t\t\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), R"({
   "": [
      {
         "a": "x",
         "b": null,
         "c": null
      }
   ]
}
)");
}

// An empty value is not an absent one in a table; in JSON libsmartcols
// writes both as null (as lsblk does), in TSV both are an empty field.
TEST(RenderTableTest, EmptyStringIsNotAbsent) {
  Table t;
  t.name = "notes";
  t.columns = {{"NAME", false}, {"COMMENT", false}};
  t.rows = {{"a", ""}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "NAME COMMENT\na    \n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "a\t\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), R"({
   "notes": [
      {
         "name": "a",
         "comment": null
      }
   ]
}
)");
}

TEST(RenderTableTest, NoRows) {
  Table t;
  t.name = "hosts";
  t.columns = {{"HOST", false}, {"CPUS", true}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "HOST CPUS\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "");
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), "{\n   \"hosts\": [\n\n   ]\n}\n");
}

TEST(RenderTableTest, WidthFollowsTheWidestCellOrHeader) {
  Table t;
  t.columns = {{"A", false}, {"LONGHEADER", false}, {"Z", false}};
  t.rows = {{"wide-value", "b", "c"}, {std::nullopt, std::nullopt, "d"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable),
            "A          LONGHEADER Z\n"
            "wide-value b          c\n"
            "-          -          d\n");
}

TEST(RenderTableTest, JsonEscapesStringsAndLowersKeys) {
  Table t;
  t.name = "actions";
  t.columns = {{"Boot Action", false}, {"Comment", false}};
  t.rows = {{"os", "say \"hi\"\tand\\or\n"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), R"({
   "actions": [
      {
         "boot action": "os",
         "comment": "say \"hi\"\tand\\or\n"
      }
   ]
}
)");
}

TEST(RenderTableTest, NumericColumnIsOnlyUnquotedInJson) {
  Table t;
  t.columns = {{"RACK", true}, {"RANK", true}};
  t.rows = {{"0", "10"}, {"12", "3"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), R"({
   "": [
      {
         "rack": 0,
         "rank": 10
      },{
         "rack": 12,
         "rank": 3
      }
   ]
}
)");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "0\t10\n12\t3\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "RACK RANK\n0    10\n12   3\n");
}

// Columns are as wide as their widest value on the screen: a CJK character
// takes two columns, an accented letter one, whatever the locale.
TEST(RenderTableTest, WideCharactersAlignByDisplayWidth) {
  Table t;
  t.columns = {{"HOST", false}, {"COMMENT", false}, {"RACK", true}};
  t.rows = {{"compute-0-0", "ノード", "0"}, {"c-1", "café", "1"}, {"c-2", "x", "2"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable),
            "HOST        COMMENT RACK\n"
            "compute-0-0 ノード  0\n"
            "c-1         café    1\n"
            "c-2         x       2\n");
}

// In a table, control characters and bytes that are not UTF-8 show as
// \xHH (libsmartcols's encoding), so that a value cannot break its line
// or drive the terminal.
TEST(RenderTableTest, TableEncodesControlsAndInvalidUtf8) {
  Table t;
  t.columns = {{"NAME", false}, {"COMMENT", false}};
  t.rows = {{"a\xff", "two\nlines\x1b[31m"}, {"b", "c"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable),
            "NAME  COMMENT\n"
            "a\\xff two\\x0alines\\x1b[31m\n"
            "b     c\n");
}

TEST(RenderTableTest, JsonIsValidUtf8WithControlsEscaped) {
  Table t;
  t.name = "hosts";
  t.columns = {{"HOST", false}, {"COMMENT", false}};
  t.rows = {{"a\xff", "caf\xc3"}, {"b\xe3\x83", "\x01\x1f\x7f\t\r\b\f"}, {"ノード", "café"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), R"({
   "hosts": [
      {
         "host": "a�",
         "comment": "caf�"
      },{
         "host": "b�",
         "comment": "\u0001\u001f)" "\x7f" R"(\t\r\b\f"
      },{
         "host": "ノード",
         "comment": "café"
      }
   ]
}
)");
}

// A value in a numeric column that is not a JSON number would make the
// JSON invalid: that column's values are strings then.
TEST(RenderTableTest, NumericColumnWithAWordIsStringsInJson) {
  Table t;
  t.name = "hosts";
  t.columns = {{"RACK", true}, {"RANK", true}};
  t.rows = {{"0", "1"}, {"twelve", "-2.5e3"}, {std::nullopt, ""}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), R"({
   "hosts": [
      {
         "rack": "0",
         "rank": 1
      },{
         "rack": "twelve",
         "rank": -2.5e3
      },{
         "rack": null,
         "rank": null
      }
   ]
}
)");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "RACK   RANK\n0      1\ntwelve -2.5e3\n-      \n");
}

// Nothing of the terminal or the environment reaches the layout: a narrow
// COLUMNS truncates or wraps nothing.
TEST(RenderTableTest, ColumnsOfTheEnvironmentDoNotMatter) {
  const char* old = std::getenv("COLUMNS");
  std::string saved = old ? old : "";
  setenv("COLUMNS", "20", 1);
  Table t;
  t.columns = {{"HOST", false}, {"COMMENT", false}};
  t.rows = {{"compute-0-0.local", "a comment longer than twenty columns"}};
  std::string table = RenderTable(t, OutputFormat::kTable);
  if (old) setenv("COLUMNS", saved.c_str(), 1);
  else unsetenv("COLUMNS");
  EXPECT_EQ(table,
            "HOST              COMMENT\n"
            "compute-0-0.local a comment longer than twenty columns\n");
}

TEST(RenderJsonTablesTest, TablesAreMembersOfOneObject) {
  Table a;
  a.name = "processes";
  a.columns = {{"PID", true}};
  a.rows = {{"1"}};
  Table b;
  b.name = "software";
  b.columns = {{"NAME", false}};
  EXPECT_EQ(RenderJsonTables({a, b}), R"({
   "processes": [
      {
         "pid": 1
      }
   ],
   "software": [

   ]
}
)");
  EXPECT_EQ(RenderJsonTables({}), "{}\n");
}

}  // namespace
}  // namespace rocks
