#!/usr/bin/env bats
# Apache httpd with the shipped share/httpd/rocks.conf: kickstart.cgi runs
# as the web server's user (www-data here, apache on EL 9), answers a node
# the database knows, records the event in a database it shares with root
# through the group of the state directory, and refuses an unknown client.
# The server listens on 127.0.0.1 only, on a free port.

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
  APACHE_PID=
}

teardown() {
  [ -z "$APACHE_PID" ] || kill "$APACHE_PID" 2>/dev/null || true
  [ -z "$APACHE_PID" ] || wait "$APACHE_PID" 2>/dev/null || true
  rocks_teardown
  rm -rf "$W"
}

# Starts apache2 in the foreground (as root, serving as www-data) with the
# shipped configuration included; sets PORT.
start_httpd() {
  local m=/usr/lib/apache2/modules i
  PORT=$((20000 + RANDOM % 40000))
  while ss -Hlnt "sport = :$PORT" | grep -q .; do PORT=$((20000 + RANDOM % 40000)); done
  cat >"$W/httpd.conf" <<EOF
ServerRoot $W
ServerName localhost
Listen 127.0.0.1:$PORT
PidFile $W/httpd.pid
ErrorLog $W/error.log
LogLevel warn
User www-data
Group www-data
ScriptSock $W/cgid.sock
LoadModule mpm_event_module $m/mod_mpm_event.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule alias_module $m/mod_alias.so
LoadModule env_module $m/mod_env.so
LoadModule cgid_module $m/mod_cgid.so
LoadModule autoindex_module $m/mod_autoindex.so
Define ROCKS_SBINDIR $ROCKS_BUILDDIR
Define ROCKS_CONF $ROCKS_CONF
Define ROCKS_INSTALL_ROOT $W/install
Include $ROCKS_SRCDIR/share/httpd/rocks.conf
EOF
  apache2 -f "$W/httpd.conf" -DFOREGROUND >"$W/apache.out" 2>&1 &
  APACHE_PID=$!
  for i in $(seq 400); do
    ss -Hlnt "sport = :$PORT" | grep -q . && return 0
    kill -0 "$APACHE_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$W/apache.out" "$W/error.log"
  return 1
}

@test "Apache runs kickstart.cgi as its user and answers a known node" {
  rocks_fixture
  start_httpd
  run --separate-stderr curl -sS -o "$W/ks" -w '%{http_code}' \
    "http://127.0.0.1:$PORT/install/sbin/kickstart.cgi?client=compute-0-0"
  [ "$status" -eq 0 ]
  [ "$output" = 200 ]
  kpp --host=compute-0-0 | kgen | cmp - "$W/ks"
  # It ran as www-data: its slot files are www-data's, and it wrote the
  # install event into the database root made (mode 0660, in the group
  # of the setgid state directory).
  [ "$(stat -c %U "$W/state/kickstart")" = www-data ]
  [ "$(stat -c %U "$W/state/kickstart/slot.0")" = www-data ]
  run sqlite3 "$W/state/cluster.db" "SELECT state, detail FROM install_events"
  [ "$output" = "profile-sent|kickstart to 127.0.0.1" ]
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
  rocks_fixture
  start_httpd
  run --separate-stderr curl -sS -o "$W/body" -w '%{http_code}' \
    "http://127.0.0.1:$PORT/install/sbin/kickstart.cgi?client=compute-9-9"
  [ "$output" = 403 ]
  [ "$(cat "$W/body")" = "kickstart.cgi: client=compute-9-9: unknown host" ]
  run sqlite3 "$W/state/cluster.db" "SELECT count(*) FROM install_events"
  [ "$output" = 0 ]
}
