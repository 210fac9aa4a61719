#!/usr/bin/env bats
# Apache httpd with the shipped share/httpd/rocks.conf: kickstart.cgi runs
# as the web server's user (www-data here, apache on EL 9), answers a node
# the database knows, records the event in a database it shares with root
# through the group of the state directory, and refuses an unknown client.
# The server listens on 127.0.0.1 only, on a free port; the private
# network is 127.0.0.0/16, and a node is told apart by the loopback source
# address curl binds to.

bats_require_minimum_version 1.5.0
load helper

setup() {
  command -v apache2 >/dev/null || skip "apache2 is not installed"
  # The web server's user must reach the state, the configuration and
  # the tools: a directory of its own, not the private one of bats.
  W=$(mktemp -d "${TMPDIR:-/tmp}/rocks-apache.XXXXXX")
  chmod 0755 "$W"
  rocks_setup
  sqlite_only "the web server's user reaches an SQLite file"
  cp "$ROCKS_CONF" "$W/rocks.conf"
  export ROCKS_CONF=$W/rocks.conf
  mkdir -m 2770 "$W/state"
  chgrp www-data "$W/state"
  cat >>"$ROCKS_CONF" <<EOF
profile = $ROCKS_SRCDIR/graphs
kickstart_statedir = $W/state/kickstart
EOF
  export ROCKS_DB=sqlite:$W/state/cluster.db
  printf 'database = %s\n' "$ROCKS_DB" >>"$ROCKS_CONF"
  chmod 0644 "$ROCKS_CONF"
  mkdir "$W/install"
}

teardown() {
  stop_apache "$W"
  rocks_teardown
  rm -rf "$W"
}

# start_apache (t/helper.bash) on 127.0.0.1 and a free port; sets PORT.
start_httpd() {
  PORT=$((20000 + RANDOM % 40000))
  while ss -Hlnt "sport = :$PORT" | grep -q .; do PORT=$((20000 + RANDOM % 40000)); done
  start_apache "$W" 127.0.0.1 "$PORT"
}

@test "Apache runs kickstart.cgi as its user and answers a known node" {
  rocks_fixture loopback
  start_httpd
  run --separate-stderr curl -sS --interface 127.0.0.10 -o "$W/ks" -w '%{http_code}' \
    "http://127.0.0.1:$PORT/install/sbin/kickstart.cgi"
  [ "$status" -eq 0 ]
  [ "$output" = 200 ]
  kpp --host=compute-0-0 | kgen | cmp - "$W/ks"
  # It ran as www-data: its slot files are www-data's, and it wrote the
  # install event into the database root made (mode 0660, in the group
  # of the setgid state directory).
  [ "$(stat -c %U "$W/state/kickstart")" = www-data ]
  [ "$(stat -c %U "$W/state/kickstart/slot.0")" = www-data ]
  run sqlite3 "$W/state/cluster.db" "SELECT state, detail FROM install_events"
  [ "$output" = "profile-sent|kickstart to 127.0.0.10" ]
}

@test "Apache serves the distribution under /install/" {
  mkdir -p "$W/install/rocks-dist/repodata"
  printf '<repomd/>\n' >"$W/install/rocks-dist/repodata/repomd.xml"
  rocks_fixture
  start_httpd
  run --separate-stderr curl -sS "http://127.0.0.1:$PORT/install/rocks-dist/repodata/repomd.xml"
  [ "$status" -eq 0 ]
  [ "$output" = "<repomd/>" ]
}

@test "Apache: kickstart.cgi refuses a client the database does not know" {
  rocks_fixture loopback
  start_httpd
  run --separate-stderr curl -sS --interface 127.0.0.99 -o "$W/body" -w '%{http_code}' \
    "http://127.0.0.1:$PORT/install/sbin/kickstart.cgi"
  [ "$output" = 403 ]
  [ "$(cat "$W/body")" = "kickstart.cgi: 127.0.0.99: unknown client" ]
  run sqlite3 "$W/state/cluster.db" "SELECT count(*) FROM install_events"
  [ "$output" = 0 ]
}
