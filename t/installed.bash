# Runs an installed tree of the suite at the paths built into it, with no
# configuration pointing elsewhere: in a private mount namespace where the
# tree is mounted over the system's directories, /etc and /var take their
# writes in overlays under the test's directory, and /root is empty. The
# machine itself is never written. Loaded by t/install.bats and
# t/package.bats.

# The root hash the namespace's /etc/shadow holds.
TEST_ROOT_HASH='$6$rockstest$Lx9rTcAAybFKdB8k2QDpnWpBcrkdxhpURNn0YV6Tc3c.GDHw2n.FSsL6UpgaY1f6i4a4pYn7e7RiX0F9k3b2/1'

# Skips the test where mount namespaces or overlays are not permitted.
need_mount_ns() {
  unshare --mount true 2>/dev/null || skip "mount namespaces are not permitted here"
}

# installed_ns ROOT LAYOUT SCRIPT: ROOT is the DESTDIR, LAYOUT "local" (a
# /usr/local tree: ROOT/usr/local is mounted on /usr/local) or "usr" (ROOT's
# usr, etc, var and run/lock are laid over the system's). SCRIPT runs
# under bash with the tree's sbin first on PATH.
installed_ns() {
  local root=$1 layout=$2 script=$3 ov=$T/overlay d
  mkdir -p "$ov"/{etc,var,lock}/{up,work}
  printf 'root:%s:19000:0:99999:7:::\n' "$TEST_ROOT_HASH" >"$ov/etc/up/shadow"
  local setup="set -e
mount -t tmpfs tmpfs /root"
  for d in etc var; do
    local lower=/$d
    [ ! -d "$root/$d" ] || lower=$root/$d:/$d
    setup="$setup
mount -t overlay overlay -o lowerdir=$lower,upperdir=$ov/$d/up,workdir=$ov/$d/work /$d"
  done
  if [ "$layout" = local ]; then
    setup="$setup
mount --bind $root/usr/local /usr/local
PATH=/usr/local/sbin:\$PATH"
  else
    setup="$setup
mount -t overlay overlay -o lowerdir=$root/usr:/usr /usr
mount -t overlay overlay -o lowerdir=$root/run/lock:/run/lock,upperdir=$ov/lock/up,workdir=$ov/lock/work /run/lock
PATH=/usr/sbin:\$PATH"
  fi
  env -u ROCKS_CONF -u ROCKS_DB unshare --mount --propagation private \
    bash -c "$setup
set +e
$script"
}

# The life of a small cluster from an installed tree: rocks init,
# insert-ethers on a sample dhcpd log, kpp | kgen for a new node, rocks
# sync config. SYSCONF is the tree's sysconfdir. The sync.conf is the
# admin's edit of the installed one: no daemon reloads here.
installed_cluster_script() {
  local sysconf=$1
  cat <<SCRIPT
set -e
cat >$sysconf/rocks/sync.conf <<'CONF'
hosts    | /etc/hosts              |                 |
dhcpd    | /etc/dhcp/dhcpd.conf    | dhcpd -t -cf %f |
machines | $sysconf/rocks/machines |                 |
CONF
rocks init --public-address=192.168.1.1
echo "== init"
rocks list attr --secrets --format=tsv Kickstart_RootPassword | cut -f2
[ "\$(rocks list attr --format=tsv Kickstart_PublicKey | cut -f2)" = "\$(cat /root/.ssh/id_ed25519.pub)" ] && echo "root's key made and stored"
echo "== insert-ethers"
insert-ethers --batch --interface=rkv0 - <"$ROCKS_SRCDIR/t/data/insert-ethers/dhcpd.log"
echo "== kpp | kgen"
kpp compute-0-0 | kgen | sed -n '1p;/^rootpw/p;/^%packages/p'
echo "== sync config"
rocks sync config -v 2>&1
grep -F compute-0-0 /etc/hosts
grep -v "^#" $sysconf/rocks/machines
SCRIPT
}

# What installed_cluster_script prints when everything works.
installed_cluster_expected() {
  local sysconf=$1
  printf '%s\n' "== init" "$TEST_ROOT_HASH" "root's key made and stored" \
    "== insert-ethers" \
    "new compute-0-0 52:54:00:aa:bb:01 10.255.255.254" \
    "new compute-0-1 52:54:00:aa:bb:02 10.255.255.253" \
    "new compute-0-2 52:54:00:aa:bb:03 10.255.255.252" \
    "new compute-0-3 52:54:00:aa:bb:0c 10.255.255.251" \
    "summary new=4 replaced=0 known=0 other-interface=0" \
    "== kpp | kgen" \
    "# Kickstart for compute-0-0: appliance compute, graph default, x86_64." \
    "rootpw --iscrypted $TEST_ROOT_HASH" \
    "%packages" \
    "== sync config" \
    "/etc/hosts: unchanged" \
    "/etc/dhcp/dhcpd.conf: unchanged" \
    "$sysconf/rocks/machines: unchanged" \
    "$(printf '10.255.255.254\tcompute-0-0.local compute-0-0 c0-0')" \
    compute-0-0 compute-0-1 compute-0-2 compute-0-3
}
