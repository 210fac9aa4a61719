// Small string helpers shared by every unit.
#ifndef ROCKS_LIB_STRUTIL_H_
#define ROCKS_LIB_STRUTIL_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rocks {

/// Splits on every occurrence of `sep`; empty fields are kept.
std::vector<std::string> Split(std::string_view s, char sep);

/// Splits on runs of blanks (space, tab); no empty fields.
std::vector<std::string> SplitBlanks(std::string_view s);

std::string Trim(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string ToLower(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);

/// Parses a whole decimal integer (optional leading '-'); false on anything
/// else, including trailing characters and overflow.
bool ParseInt(std::string_view s, int64_t* out);

/// Levenshtein distance, for "did you mean" suggestions.
int EditDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, or "" when none is close enough to be
/// a plausible typo.
std::string ClosestMatch(std::string_view word,
                         const std::vector<std::string>& candidates);

/// How a suggestion is spelled around the name: 'compute', <post>, &Name;.
struct Spelling {
  std::string_view open = "'";
  std::string_view close = "'";
};

/// " (did you mean 'X'?)" for the closest of `candidates`, or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates,
                       Spelling spelling = {});

/// The one message for a name that names nothing: "WHAT: unknown KIND",
/// then " (did you mean 'X'?)" for the closest of `names` to `word`, or
/// `otherwise` when none is close. An empty `what` leaves out "WHAT: ".
std::string UnknownName(std::string_view what, std::string_view kind, std::string_view word,
                        const std::vector<std::string>& names, Spelling spelling = {},
                        std::string_view otherwise = "");

/// UnknownName(word, kind, word, names): "compte: unknown appliance (did
/// you mean 'compute'?)".
std::string UnknownName(std::string_view word, std::string_view kind,
                        const std::vector<std::string>& names);

/// yes/no, true/false, on/off, 1/0 (any case) into `out`.
bool ParseYesNo(std::string_view s, bool* out);

/// `s` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view s);

/// `s` quoted for a POSIX shell (single quotes).
std::string ShellQuote(std::string_view s);

/// `s` on one line: CR, LF, tab, other control characters and DEL become
/// \r, \n, \t and \xHH, and a backslash becomes \\, so that a line
/// written to a log cannot be split or forged by what it quotes.
std::string EscapeControl(std::string_view s);

/// The UTF-8 character at `s[pos]`: its length (1 to 4) with its code point
/// in `cp`, or 0 when no well-formed character starts there (a stray or
/// missing continuation byte, an overlong form, a surrogate, beyond
/// U+10FFFF).
size_t Utf8At(std::string_view s, size_t pos, uint32_t* cp);

/// `s` as valid UTF-8: each ill-formed sequence (each maximal subpart, as
/// Python's decode(errors="replace") counts them) becomes U+FFFD.
std::string ValidUtf8(std::string_view s);
/// A positive time of at most a week: "90", "90s", "15m", "2h", "0.5".
bool ParseDuration(std::string_view text, double* seconds);

/// The one reader of a whole number given as an option or a key, and its
/// one message: `text` from `min` to `max`, else false with `err`
/// "WHAT: invalid number (expected MIN to MAX)", or "(expected MIN or
/// more)" when `max` is INT64_MAX. `what` names the option or key with
/// its value, as the user wrote it: "--fanout=0", "slice=9000".
bool ParseNumber(std::string_view what, std::string_view text, int64_t min, int64_t max,
                 int64_t* out, std::string* err);

/// The same for a time (ParseDuration's forms) of at most `max_seconds`:
/// "WHAT: invalid time (expected seconds, or a number with s, m or h)".
bool ParseTime(std::string_view what, std::string_view text, double max_seconds,
               double* out, std::string* err);

/// "WHAT: strerror(errno)", the one wording of a failed system call:
/// `what` is usually the path, or the call's name ("poll"). Build the
/// message straight after the failing call, before anything (a close(),
/// a cleanup) can change errno.
std::string ErrnoText(std::string_view what);

/// "WHAT: strerror(errnum)", for an errno saved before cleaning up, or
/// an error number a call returned (posix_spawn).
std::string ErrnoText(std::string_view what, int errnum);

}  // namespace rocks

#endif  // ROCKS_LIB_STRUTIL_H_
