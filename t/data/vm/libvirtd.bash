# A libvirtd of the test's own (sourced; bash), for t/vm.bats and
# t/bench/vm: root's daemon with the QEMU driver, in the network namespace
# $NS (where the frontend's bridge br0 is, see t/data/boot/frontend.bash)
# and in a mount namespace of its own, where its config (/etc/libvirt),
# state, cache, log and run directories are directories under $W/lv and
# /etc/passwd and /etc/group are copies that add the libvirt-qemu user
# the driver wants (/etc/libvirt, the mount point, is made when the
# packages installed made none). QEMU runs TCG (no KVM needed), without a
# security driver, writing its own stdout log. Clients reach it on
# $VM_URI (qemu+unix:///system?socket=...).
#
#   vm_libvirtd_start [SMALL_DIR]   starts it and waits for its socket;
#                       SMALL_DIR, when given, is a 16 MiB tmpfs in its
#                       namespace (a disk directory that is too small)
#   vm_libvirtd_stop    stops it and its guests

vm_libvirtd_start() {
  local d=$W/lv small=${1:-}
  VM_URI="qemu+unix:///system?socket=$d/sock/libvirt-sock"
  export VM_URI
  mkdir -p "$d"/etc "$d"/sock "$d"/lib "$d"/log "$d"/cache "$d"/run
  printf 'unix_sock_dir = "%s"\nunix_sock_rw_perms = "0700"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\nlog_outputs = "3:file:%s"\n' \
    "$d/sock" "$d/libvirtd.log" >"$d/etc/libvirtd.conf"
  printf 'security_driver = "none"\nstdio_handler = "file"\nuser = "root"\ngroup = "root"\nnamespaces = []\n' \
    >"$d/etc/qemu.conf"
  cp /etc/passwd "$d/passwd"
  cp /etc/group "$d/group"
  grep -q '^libvirt-qemu:' "$d/passwd" ||
    echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/nonexistent:/usr/sbin/nologin' >>"$d/passwd"
  grep -q '^libvirt-qemu:' "$d/group" || echo 'libvirt-qemu:x:64055:' >>"$d/group"
  grep -q '^kvm:' "$d/group" || echo 'kvm:x:64056:' >>"$d/group"
  local mounts="set -e
for m in /run /var/lib /var/log /var/cache; do mount -t tmpfs tmpfs \$m; done
mkdir -p /run/libvirt /run/lock /var/lib/libvirt /var/log/libvirt /var/cache/libvirt
mount --bind $d/run /run/libvirt
mount --bind $d/lib /var/lib/libvirt
mount --bind $d/log /var/log/libvirt
mount --bind $d/cache /var/cache/libvirt
mkdir -p /etc/libvirt
mount --bind $d/etc /etc/libvirt
mount --bind $d/passwd /etc/passwd
mount --bind $d/group /etc/group"
  if [ -n "$small" ]; then
    mkdir -p "$small"
    mounts="$mounts
mount -t tmpfs -o size=16m tmpfs $small"
  fi
  ip netns exec "$NS" unshare -m --propagation private bash -c "$mounts
exec libvirtd -f /etc/libvirt/libvirtd.conf" </dev/null >"$d/libvirtd.out" 2>&1 3>&- &
  echo $! >"$W/libvirtd.bg"
  # The socket comes first; libvirtd accepts on it once its drivers are up.
  local i
  for i in $(seq 400); do
    [ -S "$d/sock/libvirt-sock" ] && return 0
    kill -0 "$(cat "$W/libvirtd.bg")" 2>/dev/null || break
    sleep 0.05
  done
  echo "libvirtd did not start" >&2
  cat "$d/libvirtd.out" >&2
  return 1
}

vm_libvirtd_stop() {
  local pid
  pid=$(cat "$W/libvirtd.bg" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null
  # Its guests outlive it: they are QEMU processes in $NS, which
  # boot_frontend_down kills with the rest of the namespace.
  local i
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}
