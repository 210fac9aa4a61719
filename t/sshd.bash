# Real sshd instances for the tests that run commands on nodes (shoot-node,
# rocks run host): each on a loopback address and a free port, with a
# throwaway host key, root logging in with a throwaway key, and
# $T/ssh/config pointing host names at them. The caller's teardown kills
# what is in PIDS.

# The keys every sshd of a test shares, made once.
sshd_keys() {
  local d=$T/ssh
  [ -e "$d/id" ] && return 0
  [ "$(id -u)" -eq 0 ] || skip "sshd needs root"
  mkdir -p "$d"
  # The privilege separation directory sshd insists on (systemd's
  # RuntimeDirectory when the service runs).
  mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$d/id"
  # bash runs ~/.bashrc for a command over ssh unless it is a nested
  # shell: the tests must not depend on what the machine's root keeps there.
  printf 'environment="SHLVL=1" %s\n' "$(cat "$d/id.pub")" >"$d/authorized_keys"
  : >"$d/known_hosts"
  cat >"$d/config.common" <<CONF
Host *
  User root
  IdentityFile $d/id
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
CONF
  : >"$d/config.named"
  : >"$d/config.any"
}

# start_sshd_at ADDRESS [HOST...]: an sshd on ADDRESS and a free port,
# reached as each HOST (as every host when none is named); sets SSH_PORT
# and SSHD_PID. Named hosts come before the catch-all in the ssh config.
start_sshd_at() {
  local address=$1 d=$T/ssh
  shift
  sshd_keys
  SSH_PORT=$(free_port tcp)
  cat >"$d/sshd_config.$address" <<CONF
ListenAddress $address
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.$address.pid
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitUserEnvironment SHLVL
MaxStartups 200
CONF
  /usr/sbin/sshd -D -e -f "$d/sshd_config.$address" -p "$SSH_PORT" \
    2>"$d/sshd.$address.log" &
  SSHD_PID=$!
  PIDS+=($SSHD_PID)
  printf '[%s]:%s %s\n' "$address" "$SSH_PORT" "$(cut -d' ' -f1,2 "$d/host_key.pub")" \
    >>"$d/known_hosts"
  local list=$d/config.named
  [ $# -eq 0 ] && list=$d/config.any
  printf 'Host %s\n  HostName %s\n  Port %s\n' "${*:-*}" "$address" "$SSH_PORT" >>"$list"
  # ssh takes the first value it finds: names first, the catch-all last.
  cat "$d/config.named" "$d/config.any" "$d/config.common" >"$d/config"
  wait_listen tcp "$SSH_PORT" "$SSHD_PID" "$address"
}

# An sshd on 127.0.0.1 that every host name reaches; sets SSH_PORT.
start_sshd() {
  start_sshd_at 127.0.0.1
}
