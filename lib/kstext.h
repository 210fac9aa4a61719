// Text that goes into a kickstart: which attribute values can be
// represented at all, how the installer (a Python program) splits lines,
// and the quoted forms that keep a value one word of the kickstart or of
// the shell, whatever it holds.
#ifndef ROCKS_LIB_KSTEXT_H_
#define ROCKS_LIB_KSTEXT_H_

#include <string>
#include <string_view>

namespace rocks {

/// Whether `value` can be an attribute value: valid UTF-8 (no overlong
/// forms, no surrogates), and no control character other than tab and
/// line feed (C0, DEL, C1), nor U+FFFE or U+FFFF, which XML cannot hold.
/// Otherwise `why` says what and at which byte.
bool CheckAttrValue(std::string_view value, std::string* why);

/// Whether the attribute holds a secret (a password or its hash, a
/// private key, an SNMP community): its name contains "password",
/// "passwd", "secret" or "community", or ends in "key" and is not a public
/// key. Case does not matter.
bool IsSecretAttr(std::string_view name);

/// The length of the line break at `s[pos]` as Python's str.splitlines()
/// sees it (\n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029), or 0.
size_t LineBreakAt(std::string_view s, size_t pos);

/// `s` with every line break of LineBreakAt, and every other control
/// character, replaced by a space: one line for the installer.
std::string OneLine(std::string_view s);

/// Whether the installer would read `line` (no line breaks in it) as a
/// directive: its first character after Python's str.lstrip() is '%'.
bool IsDirectiveLine(std::string_view line);

/// Whether every line of `text` (split as the installer splits) is safe in
/// the body of a kickstart section: no line break but \n, no directive line.
bool SafeSectionBody(std::string_view text);

/// `s` as one bash word on one line: as is when made only of letters,
/// digits and _./:=,+@%-; otherwise in single quotes, with $'\ooo' for
/// line breaks and control characters.
std::string ShellWord(std::string_view s);

/// `s` as one word of a kickstart command (shlex with comments): as is
/// when it has nothing shlex reads specially, otherwise single-quoted.
/// Line breaks become spaces.
std::string KickstartWord(std::string_view s);

/// `s` for the body of an unquoted here-document: \, $ and ` escaped, so
/// the shell expands nothing in it.
std::string HereDocLiteral(std::string_view s);

/// Each byte of `s` as a backslash and three octal digits (\ooo), the form
/// both bash's $'...' and printf(1) read back.
std::string OctalEscapes(std::string_view s);

/// `s` in base64, in lines of 76 characters, each ended by \n.
std::string Base64Lines(std::string_view s);

}  // namespace rocks

#endif  // ROCKS_LIB_KSTEXT_H_
