// Tests for lib/table: listings as an aligned table, TSV and JSON.
#include "table.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace rocks {
namespace {

Table Hosts() {
  Table t;
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
  EXPECT_EQ(RenderTable(Hosts(), OutputFormat::kJson),
            "[\n"
            " {\"host\": \"compute-0-0\", \"cpus\": 4, \"mac\": \"00:11:22:33:44:55\"},\n"
            " {\"host\": \"frontend\", \"cpus\": 16, \"mac\": null}\n"
            "]\n");
}

TEST(RenderTableTest, AbsentNumericIsNullInJson) {
  Table t;
  t.columns = {{"NAME", false}, {"RANK", true}};
  t.rows = {{"a", std::nullopt}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), "[\n {\"name\": \"a\", \"rank\": null}\n]\n");
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
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson),
            "[\n {\"a\": \"x\", \"b\": null, \"c\": null}\n]\n");
}

TEST(RenderTableTest, EmptyStringIsNotAbsent) {
  Table t;
  t.columns = {{"NAME", false}, {"COMMENT", false}};
  t.rows = {{"a", ""}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "NAME COMMENT\na    \n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "a\t\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson),
            "[\n {\"name\": \"a\", \"comment\": \"\"}\n]\n");
}

TEST(RenderTableTest, NoRows) {
  Table t;
  t.columns = {{"HOST", false}, {"CPUS", true}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "HOST CPUS\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "");
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson), "[]\n");
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
  t.columns = {{"Boot Action", false}, {"Comment", false}};
  t.rows = {{"os", "say \"hi\"\tand\\or\n"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson),
            "[\n {\"boot action\": \"os\", \"comment\": \"say \\\"hi\\\"\\tand\\\\or\\n\"}\n]\n");
}

TEST(RenderTableTest, NumericColumnIsOnlyUnquotedInJson) {
  Table t;
  t.columns = {{"RACK", true}, {"RANK", true}};
  t.rows = {{"0", "10"}, {"12", "3"}};
  EXPECT_EQ(RenderTable(t, OutputFormat::kJson),
            "[\n {\"rack\": 0, \"rank\": 10},\n {\"rack\": 12, \"rank\": 3}\n]\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTsv), "0\t10\n12\t3\n");
  EXPECT_EQ(RenderTable(t, OutputFormat::kTable), "RACK RANK\n0    10\n12   3\n");
}

}  // namespace
}  // namespace rocks
