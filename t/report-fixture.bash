# Loaded by t/dbreport.bats and t/sync.bats: the cluster their reports
# are made from, and the golden-file check.

# rocks_fixture plus an InfiniBand network, a host without a MAC, one with
# no interface at all, a second public interface, aliases, a host set to
# install, and the site files.
report_fixture() {
  rocks_fixture
  rocks add network ib address=172.16.0.0/16 zone=ib.local mtu=2044
  rocks add host interface frontend device=ib0 ip=172.16.0.1
  rocks add host interface compute-0-0 device=ib0 ip=172.16.0.10 name=compute-0-0-ib
  rocks add host interface compute-0-1 device=ib0 ip=172.16.0.11 name=compute-0-1-ib
  rocks add host compute-1-1 appliance=compute rack=1 rank=1 cpus=8 ip=10.255.255.249
  rocks add host pdu-0-0 appliance=power
  rocks add host interface login-0-0 device=eth1 ip=192.168.1.20 mac=52:54:00:00:01:20
  rocks add alias login-0-0 login
  rocks add alias nas-0-0 storage
  rocks set host compute-1-0 action=install
  printf '# site hosts\n10.9.9.9\tlicense-server\n' >"$T/hosts.local"
  mkdir -p "$T/named"
  printf 'www\tIN\tCNAME\tfrontend\n' >"$T/named/local.local"
}

# Compares $output with the golden file t/expected/dbreport/NAME.
golden() { golden_file "$ROCKS_SRCDIR/t/expected/dbreport/$1"; }

# Runs one report and checks it against its golden file.
check_report() {
  local name=$1
  shift
  run --separate-stderr dbreport "$@"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  golden "$name"
}

# SQL that adds N compute hosts big-RACK-RANK, each with a MAC and a
# private address (10.100.0.1 up), in one transaction.
big_cluster_sql() {
  awk -v n="$1" 'BEGIN {
    print "BEGIN;"
    for (i = 0; i < n; i++) {
      name = sprintf("big-%d-%d", int(i / 100), i % 100)
      printf "INSERT INTO hosts (name, appliance, rack, `rank`, cpus, arch, os, comment, boot_action) VALUES (\047%s\047, (SELECT id FROM appliances WHERE name = \047compute\047), %d, %d, 4, \047x86_64\047, \047linux\047, \047\047, \047os\047);\n", name, int(i / 100), i % 100
      printf "INSERT INTO interfaces (host, device, mac, ip, subnet) VALUES ((SELECT id FROM hosts WHERE name = \047%s\047), \047eth0\047, \04752:54:01:%02x:%02x:%02x\047, \04710.100.%d.%d\047, (SELECT id FROM subnets WHERE name = \047private\047));\n", name, int(i / 65536) % 256, int(i / 256) % 256, i % 256, int(i / 250), i % 250 + 1
    }
    print "COMMIT;"
  }'
}

# Runs SQL from stdin on the test database.
rocks_sql_stdin() {
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ]; then
    mariadb --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root "$ROCKS_TEST_DBNAME"
  else
    sqlite3 "${ROCKS_DB#sqlite:}"
  fi
}
