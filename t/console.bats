#!/usr/bin/env bats
# rocks console of a physical node: IPMI serial-over-LAN to OpenIPMI's
# ipmi_sim as its BMC, whose serial port is a TCP connection to a small
# server standing in for the node's ttyS0. (The console of a VM is in
# t/vm.bats.)

load helper
load sshd
bats_require_minimum_version 1.5.0

# What the node's serial port answers once it has read a line.
LINE='Rocky Linux 9 (compute-0-0) ttyS0'

setup() {
  rocks_setup
  PIDS=()
  rocks_fixture loopback
}

teardown() {
  stop_pids
  rocks_teardown
}

# start_serial: the node's serial port on 127.0.0.1:SERIAL_PORT. What it
# reads goes to $T/serial.in; after the first full line it writes $LINE
# and a newline once. ipmi_sim connects to it, and again after a drop.
start_serial() {
  SERIAL_PORT=$(free_port tcp)
  cat >"$T/serial.py" <<'EOF2'
import socket, sys
port, log, line = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(4)
answered = False
while True:
    c, _ = s.accept()
    while True:
        data = c.recv(4096)
        if not data:
            break
        with open(log, "ab") as f:
            f.write(data)
        if not answered and b"\n" in data:
            c.sendall(line.encode() + b"\n")
            answered = True
    c.close()
EOF2
  python3 "$T/serial.py" "$SERIAL_PORT" "$T/serial.in" "$LINE" 3>&- &
  PIDS+=($!)
  wait_listen tcp "$SERIAL_PORT" "$!"
}

# start_bmc: an ipmi_sim BMC on 127.0.0.1:BMC_PORT (admin/secret) whose
# SOL is the serial port of start_serial; compute-0-0 is power=ipmi there.
start_bmc() {
  local d=$T/bmc
  mkdir -p "$d/state"
  # libipmiconsole takes no port above 32767 ("hostname invalid").
  BMC_PORT=$(free_port udp)
  while [ "$BMC_PORT" -gt 32767 ]; do BMC_PORT=$(free_port udp); done
  ipmi_sim_files "$d" bmc "$BMC_PORT" admin secret \
    "sol \"tcp:127.0.0.1:$SERIAL_PORT\" 115200"
  ipmi_sim -n -c "$d/lan.conf" -f "$d/bmc.emu" -s "$d/state" </dev/null >"$d/sim.log" 2>&1 3>&- &
  PIDS+=($!)
  wait_listen udp "$BMC_PORT" "$!"
  rocks set attr --host=compute-0-0 power ipmi
  rocks set attr --host=compute-0-0 ipmi_address "127.0.0.1:$BMC_PORT"
  rocks set attr --host=compute-0-0 ipmi_user admin
  rocks set attr --host=compute-0-0 ipmi_password secret
  # ipmi_sim wants the privilege in the RMCP+ open session request, dies
  # on Get Channel Payload Support and gives its SOL payload sizes in the
  # wrong byte order.
  rocks set attr --host=compute-0-0 ipmi_workarounds opensesspriv,solchannelsupport,solpayloadsize
}

# wait_file FILE TEXT: until FILE holds TEXT, up to 20 s.
wait_file() {
  local i
  for i in $(seq 400); do
    grep -qF "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "$1 never held '$2': $(cat "$1" 2>/dev/null)" >&2
  return 1
}

@test "console: a power=ipmi host's serial port over SOL, both ways, until ^]" {
  start_serial
  start_bmc
  mkfifo "$T/in"
  rocks console compute-0-0 <"$T/in" >"$T/out" 2>"$T/err" 3>&- &
  pid=$!
  PIDS+=($pid)
  exec 4>"$T/in"
  printf 'root\n' >&4
  wait_file "$T/serial.in" root
  wait_file "$T/out" "$LINE"
  # The escape ends it, though input stays open.
  printf '\035' >&4
  status=0
  wait "$pid" || status=$?
  exec 4>&-
  [ "$status" -eq 0 ]
  [ "$(cat "$T/out")" = "$LINE" ]
  [ "$(cat "$T/serial.in")" = root ]
  [ ! -s "$T/err" ]
}

@test "console: over SOL, the end of input ends it once the node's answer is in" {
  start_serial
  start_bmc
  run --separate-stderr rocks console compute-0-0 <<<'root'
  [ "$status" -eq 0 ]
  [ "$output" = "$LINE" ]
  [ "$stderr" = "" ]
  [ "$(cat "$T/serial.in")" = root ]
  # The BMC's SOL is free again for the next console.
  run --separate-stderr rocks console compute-0-0 </dev/null
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
}

@test "console: unknown host" {
  fails_unchanged "rocks: console: compute-9-9: unknown host" console compute-9-9
}

@test "console: a host that is neither a VM nor power=ipmi" {
  fails_unchanged "rocks: console: compute-0-1: no console (not a VM, and power is not set, not ipmi)" \
    console compute-0-1
  rocks set attr --host=compute-0-1 power ssh
  fails_unchanged "rocks: console: compute-0-1: no console (not a VM, and power is 'ssh', not ipmi)" \
    console compute-0-1
}

@test "console: power=ipmi without a BMC address" {
  rocks set attr --host=compute-0-0 power ipmi
  fails_unchanged "rocks: console: compute-0-0: power=ipmi: ipmi_address is not set" \
    console compute-0-0
}

@test "console: serial-over-LAN needs lanplus" {
  rocks set attr --host=compute-0-0 power ipmi
  rocks set attr --host=compute-0-0 ipmi_address 127.0.0.1
  rocks set attr --host=compute-0-0 ipmi_user admin
  rocks set attr --host=compute-0-0 ipmi_password secret
  rocks set attr --host=compute-0-0 ipmi_interface lan
  fails_unchanged "rocks: console: compute-0-0: ipmi 127.0.0.1: serial-over-LAN needs IPMI 2.0 (ipmi_interface=lanplus)" \
    console compute-0-0 </dev/null
}

@test "console: a BMC that does not answer" {
  start_serial
  start_bmc
  port=$(free_port udp)
  while [ "$port" -gt 32767 ]; do port=$(free_port udp); done
  rocks set attr --host=compute-0-0 ipmi_address "127.0.0.1:$port"
  fails_unchanged "rocks: console: compute-0-0: ipmi 127.0.0.1:$port: connection timeout" \
    console compute-0-0 </dev/null
}

@test "console: a BMC that refuses the password" {
  start_serial
  start_bmc
  rocks set attr --host=compute-0-0 ipmi_password wrong
  fails_unchanged "rocks: console: compute-0-0: ipmi 127.0.0.1:$BMC_PORT: password invalid" \
    console compute-0-0 </dev/null
}
