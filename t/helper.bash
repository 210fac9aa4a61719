# Loaded by every t/*.bats file: puts the built tools first on PATH and
# gives each test its own configuration and an empty cluster database,
# SQLite by default or, under t/mariadb.test, a fresh database on the
# MariaDB server that script started.

: "${ROCKS_BUILDDIR:?run the tests with make check}"
: "${ROCKS_SRCDIR:?run the tests with make check}"
PATH="$ROCKS_BUILDDIR:$PATH"
export LC_ALL=C

rocks_setup() {
  T=$BATS_TEST_TMPDIR
  export ROCKS_CONF=$T/rocks.conf
  printf 'db_timeout = 0.5\n' >"$ROCKS_CONF"
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ]; then
    ROCKS_TEST_DBNAME=t$$_${BATS_TEST_NUMBER}_$RANDOM
    mariadb --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root \
      -e "CREATE DATABASE $ROCKS_TEST_DBNAME"
    export ROCKS_DB="mysql:///$ROCKS_TEST_DBNAME?socket=$ROCKS_TEST_MYSQL_SOCKET"
  else
    export ROCKS_DB="sqlite:$T/cluster.db"
  fi
}

# Stops every process the test started into PIDS: SIGTERM to each, then
# waits for each, so that none outlives the test.
stop_pids() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do
    wait "$p" 2>/dev/null || true
  done
}

rocks_teardown() {
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ] && [ -n "${ROCKS_TEST_DBNAME:-}" ]; then
    mariadb --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root \
      -e "DROP DATABASE IF EXISTS $ROCKS_TEST_DBNAME" || true
  fi
}

# Checks that a command failed with exactly one error line and no output.
fails_with() {
  local expected=$1
  shift
  run --separate-stderr "$@"
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "$expected" ]
}

# Runs a rocks command that must fail, and checks that it printed exactly
# one error line, nothing on stdout, exit 1, and left the database as it was.
fails_unchanged() {
  local expected=$1
  shift
  local before
  before=$(db_dump)
  run --separate-stderr rocks "$@"
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "$expected" ]
  [ "$(db_dump)" = "$before" ]
}

# Holds an flock(2) on FILE through fd 8, with this shell's PID written in
# it, as a running holder does; `exec 8>&-` lets go.
hold_lock() {
  exec 8<>"$1"
  flock 8
  echo $$ >&8
}

# The shipped profile tree (graphs/default and graphs/nodes, the source
# layout) with the build/ tree of the hpc roll image that make built merged
# in, as rocks-dist merges an enabled roll: the graph kpp, kgen and
# kickstart.cgi are tested on. Prints its path.
shipped_profile() {
  local p=$T/shipped-profile
  if [ ! -d "$p" ]; then
    cp -R "$ROCKS_SRCDIR/graphs" "$p"
    bsdtar -xf "$ROCKS_BUILDDIR/hpc-9.0-1.x86_64.disk1.iso" -C "$p" \
      -s ',^build/graphs/,,' -s ',^build/,,' build
    chmod -R u+w "$p"
  fi
  printf '%s\n' "$p"
}

# golden_file FILE: $output (plus the newline `run` strips) against the
# golden FILE, as a unified diff; ROCKS_UPDATE_GOLDEN=1 rewrites FILE first.
golden_file() {
  if [ -n "${ROCKS_UPDATE_GOLDEN:-}" ]; then printf '%s\n' "$output" >"$1"; fi
  diff -u "$1" <(printf '%s\n' "$output")
}

# Skips a test that only makes sense on the embedded engine.
sqlite_only() {
  [ "${ROCKS_TEST_ENGINE:-sqlite}" = sqlite ] || skip "SQLite-only: $1"
}

# The whole content of the cluster database as text, to check that a
# failed command changed nothing.
db_dump() {
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ]; then
    mariadb-dump --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root --skip-dump-date \
      --skip-comments --order-by-primary "$ROCKS_TEST_DBNAME"
  else
    sqlite3 "${ROCKS_DB#sqlite:}" .dump
  fi
}

# sql QUERY: runs QUERY on the test's database, either engine; rows as
# tab-separated lines.
sql() {
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ]; then
    mariadb --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root -N -B -e "$1" "$ROCKS_TEST_DBNAME"
  else
    sqlite3 -separator "$(printf '\t')" "${ROCKS_DB#sqlite:}" "$1"
  fi
}

# A small cluster most tool tests start from: the frontend, three compute
# nodes in two racks, a login node and a NAS. `rocks_fixture loopback`
# puts the private network on 127.0.0.0/16 and the nodes on 127.0.0.x,
# so that kickstart.cgi, which knows a node by the address it asks from,
# can be reached as each node with curl --interface.
rocks_fixture() {
  local net=() ip=(10.255.255.254 10.255.255.253 10.255.255.252 10.255.255.251 10.255.255.250)
  if [ "${1:-}" = loopback ]; then
    net=(--private-network=127.0.0.0/16 --private-address=127.0.0.1)
    ip=(127.0.0.10 127.0.0.11 127.0.0.12 127.0.0.20 127.0.0.30)
  fi
  rocks init --frontend=frontend "${net[@]}" --private-mac=52:54:00:00:00:01 \
    --public-address=192.168.1.1 --public-mac=52:54:00:00:01:01
  rocks add host compute-0-0 appliance=compute rack=0 rank=0 cpus=4 \
    mac=52:54:00:00:00:10 ip=${ip[0]}
  rocks add host compute-0-1 appliance=compute rack=0 rank=1 cpus=4 \
    mac=52:54:00:00:00:11 ip=${ip[1]}
  rocks add host compute-1-0 appliance=compute rack=1 rank=0 cpus=8 \
    mac=52:54:00:00:00:12 ip=${ip[2]}
  rocks add host login-0-0 appliance=login rack=0 rank=0 \
    mac=52:54:00:00:00:20 ip=${ip[3]}
  rocks add host nas-0-0 appliance=nas rack=0 rank=0 \
    mac=52:54:00:00:00:30 ip=${ip[4]}
}

# ipmi_sim_files DIR NAME PORT USER PASSWORD [LINE...]: DIR/lan.conf and
# DIR/bmc.emu for an OpenIPMI ipmi_sim BMC that answers IPMI 1.5 and 2.0
# on 127.0.0.1:PORT for USER, with the LINEs (chassis_control, serial,
# startcmd ...) in its configuration.
ipmi_sim_files() {
  local d=$1 name=$2 port=$3 user=$4 password=$5 line
  shift 5
  {
    printf 'name "%s"\nset_working_mc 0x20\n  startlan 1\n    addr 127.0.0.1 %s\n' \
      "$name" "$port"
    cat <<'EOF'
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
EOF
    for line; do printf '  %s\n' "$line"; done
    printf '  user 2 true "%s" "%s" admin 10 none md2 md5 straight\n' "$user" "$password"
  } >"$d/lan.conf"
  cat >"$d/bmc.emu" <<'EOF'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
EOF
}

# A TCP or UDP port (tcp|udp) on 127.0.0.1 that nothing listens on.
free_port() {
  local port flag=-t
  [ "$1" = udp ] && flag=-u
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -Hln "$flag" "sport = :$port" | grep -q . || break
  done
  echo "$port"
}

# wait_listen tcp|udp PORT [PID [ADDRESS]]: waits until something listens
# on PORT (on ADDRESS, if given), up to 20 s (a loaded machine starts
# daemons slowly); with PID, gives up at once if that process is gone.
wait_listen() {
  local flag=-t filter="sport = :$2" i
  [ "$1" = udp ] && flag=-u
  [ -n "${4:-}" ] && filter="src $4 and $filter"
  for i in $(seq 400); do
    ss -Hln "$flag" "$filter" | grep -q . && return 0
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "nothing listens on ${4:+$4 }$1 port $2" >&2
  return 1
}

# start_lighttpd [LINE...]: lighttpd on 127.0.0.1 and a free port, serving
# $T/www, with the built kickstart.cgi at /install/sbin/kickstart.cgi
# through the shipped share/lighttpd/kickstart.conf; the CGI reads
# $LIGHTTPD_ROCKS_CONF (default $ROCKS_CONF). Each LINE is added to the
# configuration. Sets HTTP_PORT, LIGHTTPD_PID and KICKSTART_URL, and adds
# the process to PIDS. The CGI's messages go to $T/lighttpd.err, lighttpd's
# own log to $T/lighttpd.log.
start_lighttpd() {
  local try line i
  mkdir -p "$T/www"
  # Another test may take the free port before lighttpd binds it: then
  # lighttpd exits, and a new port is tried.
  for try in 1 2 3 4 5; do
    HTTP_PORT=$(free_port tcp)
    {
      printf 'server.document-root = "%s/www"\nserver.bind = "127.0.0.1"\n' "$T"
      printf 'server.port = %s\nserver.errorlog = "%s/lighttpd.log"\n' "$HTTP_PORT" "$T"
      printf 'var.rocks_sbindir = "%s"\nvar.rocks_conf = "%s"\n' "$ROCKS_BUILDDIR" \
        "${LIGHTTPD_ROCKS_CONF:-$ROCKS_CONF}"
      printf 'include "%s/share/lighttpd/kickstart.conf"\n' "$ROCKS_SRCDIR"
      for line in "$@"; do printf '%s\n' "$line"; done
    } >"$T/lighttpd.conf"
    lighttpd -D -f "$T/lighttpd.conf" 2>>"$T/lighttpd.err" &
    LIGHTTPD_PID=$!
    if wait_listen tcp "$HTTP_PORT" "$LIGHTTPD_PID" 2>/dev/null; then
      PIDS+=("$LIGHTTPD_PID")
      KICKSTART_URL=http://127.0.0.1:$HTTP_PORT/install/sbin/kickstart.cgi
      return 0
    fi
    kill "$LIGHTTPD_PID" 2>/dev/null || true
    wait "$LIGHTTPD_PID" 2>/dev/null || true
  done
  LIGHTTPD_PID=
  echo "lighttpd did not start: $(cat "$T/lighttpd.err" "$T/lighttpd.log" 2>/dev/null)" >&2
  return 1
}

# start_apache DIR ADDR PORT [WRAPPER]: Apache httpd with the shipped
# share/httpd/rocks.conf, serving DIR/install as /install/ and running the
# built kickstart.cgi with ROCKS_CONF; its logs are DIR/httpd-error.log
# and DIR/httpd-access.log. WRAPPER (e.g. a function running the command
# in a network namespace) starts it. Waits until it answers.
start_apache() {
  local dir=$1 addr=$2 port=$3 wrapper=${4:-} m=/usr/lib/apache2/modules mod
  {
    printf 'Define ROCKS_SBINDIR %s\nDefine ROCKS_CONF %s\nDefine ROCKS_INSTALL_ROOT %s\n' \
      "$ROCKS_BUILDDIR" "$ROCKS_CONF" "$dir/install"
    printf 'ServerRoot %s\nServerName frontend\nListen %s:%s\n' "$dir" "$addr" "$port"
    printf 'PidFile %s/httpd.pid\nDefaultRuntimeDir %s\nMutex file:%s default\n' "$dir" "$dir" "$dir"
    printf 'ErrorLog %s/httpd-error.log\nScriptSock %s/cgid.sock\n' "$dir" "$dir"
    printf 'User www-data\nGroup www-data\nTypesConfig /etc/mime.types\n'
    for mod in mpm_event authz_core alias mime dir autoindex env cgid; do
      printf 'LoadModule %s_module %s/mod_%s.so\n' "$mod" "$m" "$mod"
    done
    printf 'LogFormat "%%h %%l %%u %%t \\"%%r\\" %%>s %%b" common\n'
    printf 'CustomLog %s/httpd-access.log common\n' "$dir"
    printf 'Include %s/share/httpd/rocks.conf\n' "$ROCKS_SRCDIR"
  } >"$dir/httpd.conf"
  $wrapper apache2 -f "$dir/httpd.conf" -k start
  local i
  for i in $(seq 100); do
    $wrapper curl -s -o /dev/null "http://$addr:$port/install/" && return 0
    sleep 0.1
  done
  echo "apache did not start" >&2
  cat "$dir/httpd-error.log" >&2 || true
  return 1
}

# stop_apache DIR: stops what start_apache DIR started.
stop_apache() {
  local pid
  pid=$(cat "$1/httpd.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || true
  local i
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}
