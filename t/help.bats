#!/usr/bin/env bats
# Every tool answers --help, --version and an unknown option the same way
# (STYLE.md); its --help synopsis is the SYNOPSIS of its man page; every long
# option it prints is in its man page and its completion; and every tool is
# the four things together: cmd/<tool>.cc, man/<tool>.8, t/<tool>.bats and
# share/completion/<tool>.
#
# Each test goes over all the tools of $ROCKS_TOOLS (set by make check) and
# names each tool that fails.

load helper
bats_require_minimum_version 1.5.0
: "${ROCKS_TOOLS:?run the tests with make check}"

setup() { rocks_setup; }
teardown() { rocks_teardown; }

# The tool names of $ROCKS_TOOLS, without a directory or $(EXEEXT).
tools() {
  local t
  for t in $ROCKS_TOOLS; do
    t=${t##*/}
    printf '%s\n' "${t%.exe}"
  done
}

# Records one failure; `verdict` fails the test if there was any.
problems=()
problem() { problems+=("$*"); }
verdict() {
  [ "${#problems[@]}" -eq 0 ] && return 0
  printf '%s\n' "${problems[@]}"
  return 1
}

# Folds whitespace: all lines joined into one, words separated by one space.
fold_words() { awk 'NF { $1 = $1; printf "%s%s", sep, $0; sep = " " } END { print "" }'; }

# A man page as plain text, so wide that no line wraps.
render_man() {
  groff -mdoc -Tascii -rLL=300n -P-c -P-b -P-u "$1" 2>/dev/null | col -bx
}

# The SYNOPSIS section of a man page, whitespace folded.
man_synopsis() {
  render_man "$1" |
    awk '/^SYNOPSIS$/ { on = 1; next } on && /^[A-Z][A-Z ]*$/ { exit } on' |
    fold_words
}

# The synopsis lines of the --help text $2 of tool $1 (the lines after
# "Usage:" that start with " tool"), whitespace folded.
help_synopsis() {
  awk -v t=" $1" 'NR == 1 { next }
    $0 != t && substr($0, 1, length(t) + 1) != t " " { exit } { print }' <<<"$2" |
    fold_words
}

# Whether the long option $2 occurs in file $1 as a whole word.
has_option() {
  grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" "$1"
}

@test "every tool's --help starts with Usage: and its synopsis, and ends with See tool(8)" {
  local t last n
  for t in $(tools); do
    run --separate-stderr "$t" --help
    if [ "$status" -ne 0 ]; then
      problem "$t --help: exit status $status, expected 0"
      continue
    fi
    [ -z "$stderr" ] || problem "$t --help: unexpected stderr: $stderr"
    mapfile -t L <<<"$output"
    [ "${L[0]}" = "Usage:" ] ||
      problem "$t --help: first line is '${L[0]}', expected 'Usage:'"
    n=1
    while [ "$n" -lt "${#L[@]}" ] && [[ ${L[n]} == " $t" || ${L[n]} == " $t "* ]]; do
      n=$((n + 1))
    done
    [ "$n" -gt 1 ] ||
      problem "$t --help: line 2 is '${L[1]}', expected a synopsis line ' $t ...'"
    [ "$n" -lt "${#L[@]}" ] && [ -z "${L[n]}" ] ||
      problem "$t --help: line $((n + 1)) is '${L[n]}', expected a blank line after the synopsis"
    last=${L[${#L[@]} - 1]}
    [[ $last == "See $t(8)." || $last == "See $t(8) and "*. ]] ||
      problem "$t --help: last line is '$last', expected 'See $t(8).' or 'See $t(8) and ....'"
  done
  verdict
}

@test "every tool's --help synopsis is the SYNOPSIS of its man page" {
  local t man help_syn man_syn
  for t in $(tools); do
    man=$ROCKS_SRCDIR/man/$t.8
    if [ ! -f "$man" ]; then
      problem "$t: no man page man/$t.8"
      continue
    fi
    run --separate-stderr "$t" --help
    help_syn=$(help_synopsis "$t" "$output")
    man_syn=$(man_synopsis "$man")
    [ -n "$man_syn" ] || problem "$t: man/$t.8 has no SYNOPSIS"
    [ "$help_syn" = "$man_syn" ] ||
      problem "$t: --help synopsis and man/$t.8 SYNOPSIS differ:" \
        $'\n'"  --help: $help_syn" $'\n'"  man:    $man_syn"
  done
  verdict
}

@test "every long option in a tool's --help is in its man page and its completion" {
  local t opt man comp rendered
  rendered=$BATS_TEST_TMPDIR/rendered
  for t in $(tools); do
    man=$ROCKS_SRCDIR/man/$t.8
    comp=$ROCKS_SRCDIR/share/completion/$t
    run --separate-stderr "$t" --help
    [ -f "$man" ] || problem "$t: no man page man/$t.8"
    [ -f "$comp" ] || problem "$t: no completion share/completion/$t"
    [ ! -f "$man" ] || render_man "$man" >"$rendered"
    for opt in $(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$output" | sort -u); do
      [ ! -f "$man" ] || has_option "$rendered" "$opt" ||
        problem "$t: $opt is not in man/$t.8"
      [ ! -f "$comp" ] || has_option "$comp" "$opt" ||
        problem "$t: $opt is not in share/completion/$t"
    done
  done
  verdict
}

@test "every tool's --version prints 'tool (rocks) VERSION'" {
  local t version
  version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$ROCKS_SRCDIR/configure.ac")
  [ -n "$version" ] || problem "configure.ac: no version in AC_INIT"
  for t in $(tools); do
    run --separate-stderr "$t" --version
    [ "$status" -eq 0 ] || problem "$t --version: exit status $status, expected 0"
    [ "$output" = "$t (rocks) $version" ] ||
      problem "$t --version: printed '$output', expected '$t (rocks) $version'"
    [ -z "$stderr" ] || problem "$t --version: unexpected stderr: $stderr"
  done
  verdict
}

@test "every tool rejects an unknown option with getopt's line and a hint, exit 1" {
  local t expected
  for t in $(tools); do
    run --separate-stderr "$t" --no-such-option
    [ "$status" -eq 1 ] ||
      problem "$t --no-such-option: exit status $status, expected 1"
    [ -z "$output" ] ||
      problem "$t --no-such-option: unexpected stdout: $output"
    expected="$t: unrecognized option '--no-such-option'"$'\n'"Try '$t --help' for more information."
    [ "$stderr" = "$expected" ] ||
      problem "$t --no-such-option: stderr differs:" \
        $'\n'"  got:      ${stderr//$'\n'/$'\n'            }" \
        $'\n'"  expected: ${expected//$'\n'/$'\n'            }"
  done
  verdict
}

@test "every tool is cmd/<tool>.cc, man/<tool>.8, t/<tool>.bats and share/completion/<tool>" {
  local f t all
  all=" $(tools | tr '\n' ' ')"
  for f in "$ROCKS_SRCDIR"/cmd/*.cc; do
    t=${f##*/}
    t=${t%.cc}
    [ -f "$ROCKS_SRCDIR/man/$t.8" ] || problem "$t: cmd/$t.cc has no man/$t.8"
    [ -f "$ROCKS_SRCDIR/t/$t.bats" ] || problem "$t: cmd/$t.cc has no t/$t.bats"
    [ -f "$ROCKS_SRCDIR/share/completion/$t" ] ||
      problem "$t: cmd/$t.cc has no share/completion/$t"
    [[ $all == *" $t "* ]] || problem "$t: cmd/$t.cc is not in ROCKS_TOOLS (sbin_PROGRAMS)"
  done
  for t in $(tools); do
    [ -f "$ROCKS_SRCDIR/cmd/$t.cc" ] || problem "$t: in ROCKS_TOOLS but there is no cmd/$t.cc"
  done
  verdict
}
