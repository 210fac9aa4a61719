// Tests for lib/kstext: which values are text, the installer's line
// breaks and directives, and the quoted forms of a value.
#include "kstext.h"

#include <gtest/gtest.h>

#include <string>

namespace rocks {
namespace {

TEST(CheckAttrValueTest, TextWithTabsAndLineFeedsIsFine) {
  std::string why;
  EXPECT_TRUE(CheckAttrValue("", &why));
  EXPECT_TRUE(CheckAttrValue("a\tb\nc caf\xC3\xA9 \xE2\x80\xA8 \xF0\x9F\x98\x80", &why));
}

TEST(CheckAttrValueTest, ControlCharactersAreRefusedWithTheirByte) {
  std::string why;
  EXPECT_FALSE(CheckAttrValue("ab\r", &why));
  EXPECT_EQ(why, "value has the control character U+000D (byte 3)");
  EXPECT_FALSE(CheckAttrValue(std::string("a\0b", 3), &why));
  EXPECT_EQ(why, "value has the control character U+0000 (byte 2)");
  EXPECT_FALSE(CheckAttrValue("\x7f", &why));
  EXPECT_EQ(why, "value has the control character U+007F (byte 1)");
  EXPECT_FALSE(CheckAttrValue("x\xC2\x9F", &why));
  EXPECT_EQ(why, "value has the control character U+009F (byte 2)");
  EXPECT_FALSE(CheckAttrValue("\xEF\xBF\xBF", &why));
  EXPECT_EQ(why, "value has the control character U+FFFF (byte 1)");
}

TEST(CheckAttrValueTest, MalformedUtf8IsRefused) {
  std::string why;
  for (const char* bad : {"\x80", "\xC3", "\xC0\x80", "\xE0\x80\x80", "\xED\xB0\x80",
                          "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "\xE2\x28\xA1"}) {
    EXPECT_FALSE(CheckAttrValue(bad, &why)) << bad;
    EXPECT_EQ(why, "value is not valid UTF-8 (byte 1)");
  }
}

TEST(IsSecretAttrTest, PasswordsKeysAndCommunities) {
  for (const char* n : {"Kickstart_RootPassword", "ipmi_password", "db_passwd", "Slurm_Secret",
                        "Kickstart_SNMPCommunity", "munge_key", "Kickstart_PrivateKey"})
    EXPECT_TRUE(IsSecretAttr(n)) << n;
  for (const char* n : {"Kickstart_PublicKey", "ssh_public_key", "Info_ClusterName", "keyboard"})
    EXPECT_FALSE(IsSecretAttr(n)) << n;
}

TEST(LineBreakTest, EveryBreakPythonKnows) {
  for (const char* br : {"\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\xC2\x85",
                         "\xE2\x80\xA8", "\xE2\x80\xA9"})
    EXPECT_EQ(LineBreakAt(std::string("a") + br + "b", 1), std::string(br).size()) << br;
  EXPECT_EQ(LineBreakAt("\r\n", 0), 2u);
  EXPECT_EQ(LineBreakAt("\t", 0), 0u);
  EXPECT_EQ(LineBreakAt("\xE2\x80\xAA", 0), 0u);
  EXPECT_EQ(OneLine("a\nb\xE2\x80\xA8" "c\x01\td"), "a b c  d");
}

TEST(DirectiveTest, PercentAfterPythonWhitespace) {
  EXPECT_TRUE(IsDirectiveLine("%post"));
  EXPECT_TRUE(IsDirectiveLine(" \t%end"));
  EXPECT_TRUE(IsDirectiveLine("\xC2\xA0\xE3\x80\x80%include /x"));
  EXPECT_TRUE(IsDirectiveLine("\x1f%ksappend /x"));
  EXPECT_FALSE(IsDirectiveLine("echo %post"));
  EXPECT_FALSE(IsDirectiveLine("|%post"));
  EXPECT_FALSE(IsDirectiveLine(""));
  EXPECT_TRUE(SafeSectionBody("echo one\n  echo %end\n"));
  EXPECT_FALSE(SafeSectionBody("echo one\n%end\n"));
  EXPECT_FALSE(SafeSectionBody("a\xE2\x80\xA8%end"));
  EXPECT_FALSE(SafeSectionBody("a\rb"));
}

TEST(ShellWordTest, OneWordOnOneLine) {
  EXPECT_EQ(ShellWord("10.1.1.1"), "10.1.1.1");
  EXPECT_EQ(ShellWord(""), "''");
  EXPECT_EQ(ShellWord("a b"), "'a b'");
  EXPECT_EQ(ShellWord("it's $(x)"), "'it'\\''s $(x)'");
  EXPECT_EQ(ShellWord("a\n%post"), "'a'$'\\012''%post'");
  EXPECT_EQ(ShellWord("a\xE2\x80\xA8" "b"), "'a'$'\\342\\200\\250''b'");
}

TEST(KickstartWordTest, QuotedOnlyWhenShlexWouldSplitIt) {
  EXPECT_EQ(KickstartWord("$6$salt$hash"), "$6$salt$hash");
  EXPECT_EQ(KickstartWord("us # x"), "'us # x'");
  EXPECT_EQ(KickstartWord("a'b"), "'a'\\''b'");
  EXPECT_EQ(KickstartWord("a\nb"), "'a b'");
  EXPECT_EQ(KickstartWord(""), "''");
}

TEST(HereDocLiteralTest, NothingExpands) {
  EXPECT_EQ(HereDocLiteral("$HOME `x` \\n"), "\\$HOME \\`x\\` \\\\n");
}

TEST(OctalEscapesTest, EveryByteThreeDigits) {
  EXPECT_EQ(OctalEscapes(""), "");
  EXPECT_EQ(OctalEscapes("\n"), "\\012");
  EXPECT_EQ(OctalEscapes("\xe2\x80\xa8"), "\\342\\200\\250");
  EXPECT_EQ(OctalEscapes(std::string("a\0", 2)), "\\141\\000");
}

TEST(Base64LinesTest, PaddingAndLines) {
  EXPECT_EQ(Base64Lines(""), "");
  EXPECT_EQ(Base64Lines("f"), "Zg==\n");
  EXPECT_EQ(Base64Lines("fo"), "Zm8=\n");
  EXPECT_EQ(Base64Lines("foo"), "Zm9v\n");
  EXPECT_EQ(Base64Lines(std::string(57, 'a')),
            std::string("YWFh").append("YWFh" "YWFh" "YWFh" "YWFh" "YWFh" "YWFh" "YWFh" "YWFh"
                                       "YWFh" "YWFh" "YWFh" "YWFh" "YWFh" "YWFh" "YWFh" "YWFh"
                                       "YWFh" "YWFh") + "\n");
  EXPECT_EQ(Base64Lines(std::string(58, 'a')).size(), 77u + 4 + 1);
}

}  // namespace
}  // namespace rocks
