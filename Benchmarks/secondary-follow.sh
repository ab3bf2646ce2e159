#!/usr/bin/env bash
# How fast standard secondaries follow a health flip: a 100,000-record zone served by the controller
# (release build), BIND and Knot as its secondaries on loopback, FLIPS health flips of a failover policy.
# Each flip changes the probed endpoint's answer, polls our server every 2 ms until its answer flips
# (that instant is the start), then each secondary until it serves the same; bytes per flip come from
# our transfer log. Run twice: with the journal (IXFR), then with --journal-versions 0, where every
# IXFR is answered with the whole zone (what secondaries got before there was a journal), so the two
# compare in the same run. See Benchmarks/README.md.
#
# With DNSSEC=1 the zone is signed (ECDSA P-256): each flip is then a new signed version (the answer,
# its signature and NSEC, the SOA's signature), and the secondaries hold the signed zone.
#
# Usage: [DNSSEC=1] Benchmarks/secondary-follow.sh [FLIPS] [RECORDS]   (default 10 flips, 100000 records)
set -euo pipefail
flips="${1:-10}"
records="${2:-100000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh python3 bind9-dnsutils bind9 knot
swift build -c release --product switchyard >/dev/null
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
for host in 127.0.0.1 127.0.0.2; do
    python3 Tests/Peers/probe_peer.py http --host "$host" --port "$http_port" --control "$work/control-$host.json" \
        >"$work/peer-$host.out" 2>&1 &
    pids+=($!)
done
dns_port=$(free_port)
bind_port=$(free_port)
knot_port=$(free_port)

mkdir -p "$work/manifests"
python3 - "$work/manifests/big.yaml" "$records" "$http_port" "$bind_port" "$knot_port" "${DNSSEC:-0}" <<'PY'
import sys
path, count, http, bind, knot, dnssec = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] == "1"
with open(path, "w") as f:
    f.write(f"""apiVersion: switchyard.io/v1
kind: Zone
metadata: {{name: big.test}}
spec:
  ttl: 3600
  soa: {{primary: ns1, contact: hostmaster, refresh: 3600, retry: 600}}
  nameservers: [ns1, ns2]
  secondaries: [{{address: "127.0.0.1:{bind}"}}, {{address: "127.0.0.1:{knot}"}}]
{"  dnssec: {algorithm: ecdsap256sha256}" if dnssec else ""}
  records:
    - {{name: ns1, type: A, values: [192.0.2.53]}}
    - {{name: ns2, type: A, values: [192.0.2.54]}}
""")
    for i in range(count):
        f.write(f"    - {{name: h{i}, type: A, values: [10.{i >> 16}.{(i >> 8) & 255}.{i & 255}]}}\n")
    f.write(f"""---
apiVersion: switchyard.io/v1
kind: Monitor
metadata: {{name: web}}
spec: {{protocol: http, port: {http}, path: /health, expectBody: ok, interval: 1s, timeout: 500ms,
       failureThreshold: 1, successThreshold: 1}}
---
apiVersion: switchyard.io/v1
kind: FailoverPolicy
metadata: {{name: www}}
spec: {{zone: big.test, name: www, type: A, ttl: 30, monitor: web,
       tiers: [{{name: primary, endpoints: [127.0.0.1]}}, {{name: secondary, endpoints: [127.0.0.2]}}]}}
""")
PY

mkdir -p "$work/bind" "$work/knot/db"
cat > "$work/bind/named.conf" <<CONF
options {
    directory "$work/bind"; pid-file "$work/bind/named.pid"; session-keyfile "$work/bind/session.key";
    managed-keys-directory "$work/bind"; listen-on port $bind_port { 127.0.0.1; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; notify no; minimal-responses yes;
};
controls { };
zone "big.test" { type secondary; primaries { 127.0.0.1 port $dns_port; }; file "$work/bind/big.test.db"; };
CONF
cat > "$work/knot/knot.conf" <<CONF
server:
    rundir: "$work/knot"
    listen: 127.0.0.1@$knot_port
database:
    storage: "$work/knot/db"
log:
  - target: stderr
    any: info
remote:
  - id: primary
    address: 127.0.0.1@$dns_port
acl:
  - id: notify_from_primary
    address: 127.0.0.1
    action: notify
template:
  - id: default
    storage: "$work/knot"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: all
zone:
  - domain: big.test
    master: primary
    acl: notify_from_primary
CONF

controller=""
start_controller() {  # start_controller EXTRA-ARGS… → serving, pid in $controller
    .build/release/switchyard controller --manifests "$work/manifests" --dns-listen "127.0.0.1:$dns_port" \
        --data-dir "$work/data" --admin-listen 127.0.0.1:0 --interval 1h "$@" \
        >"$work/switchyard.out" 2>>"$work/switchyard.log" &
    controller=$!
    pids+=("$controller")
    for _ in $(seq 600); do grep -q "DNS on" "$work/switchyard.out" 2>/dev/null && return; sleep 0.1; done
    echo "the controller did not start" >&2; tail "$work/switchyard.log" >&2; exit 1
}
start_controller
named -g -c "$work/bind/named.conf" >"$work/bind.log" 2>&1 &
pids+=($!)
bind_pid=$!
knotd -c "$work/knot/knot.conf" >"$work/knot.log" 2>&1 &
pids+=($!)
knot_pid=$!
answer() { dig +short +tries=1 +time=1 @127.0.0.1 -p "$1" "$2" A 2>/dev/null; }
last="h$((records - 1)).big.test"
for _ in $(seq 600); do
    [ -n "$(answer "$bind_port" "$last")" ] && [ -n "$(answer "$knot_port" "$last")" ] && break
    sleep 0.1
done
[ -n "$(answer "$bind_port" "$last")" ] && [ -n "$(answer "$knot_port" "$last")" ] || { echo "the secondaries did not load the zone" >&2; exit 1; }

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
ticks=$(getconf CLK_TCK)

# run LABEL: FLIPS flips; prints one line per flip and the summary.
run() {
    local label="$1" bind_cpu knot_cpu log_lines
    : >"$work/times"
    log_lines=$(wc -l <"$work/switchyard.log")
    bind_cpu=$(cpu "$bind_pid")
    knot_cpu=$(cpu "$knot_pid")
    for flip in $(seq "$flips"); do
        if [ $((flip % 2)) -eq 1 ]; then control='{"status": 503, "body": "down"}'; expected=127.0.0.2
        else control='{"status": 200, "body": "ok"}'; expected=127.0.0.1; fi
        echo "$control" >"$work/control-127.0.0.1.json.tmp" && mv "$work/control-127.0.0.1.json.tmp" "$work/control-127.0.0.1.json"
        python3 - "$dns_port" "$bind_port" "$knot_port" "$expected" <<'PY' | tee -a "$work/times"
import socket, struct, sys, time
ours, bind, knot, expected = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), socket.inet_aton(sys.argv[4])
query = struct.pack(">HHHHHH", 1, 0, 1, 0, 0, 0) + b"\x03www\x03big\x04test\x00" + struct.pack(">HH", 1, 1)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.05)
def serves(port):
    sock.sendto(query, ("127.0.0.1", port))
    try:
        while True:
            reply, _ = sock.recvfrom(4096)
            if reply[:2] == query[:2]:
                return reply[-4:] == expected
    except socket.timeout:
        return False
deadline = time.time() + 20
while not serves(ours):
    if time.time() > deadline:
        print("timeout timeout"); sys.exit()
    time.sleep(0.002)
start = time.time()
followed = {}
while len(followed) < 2 and time.time() < start + 10:
    for name, port in (("bind", bind), ("knot", knot)):
        if name not in followed and serves(port):
            followed[name] = time.time() - start
    time.sleep(0.002)
print(" ".join(f"{followed[n]:.3f}" if n in followed else "timeout" for n in ("bind", "knot")))
PY
        sleep 1.5
    done
    local transfers bytes count
    transfers=$(tail -n +"$((log_lines + 1))" "$work/switchyard.log" | grep "zone transfer" | grep "zone=big.test." || true)
    bytes=$(echo "$transfers" | grep -o "bytes=[0-9]*" | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
    count=$(echo "$transfers" | grep -c "bytes=" || true)
    python3 - "$label" "$work/times" "$bytes" "$count" "$flips" \
        "$(( $(cpu "$bind_pid") - bind_cpu ))" "$(( $(cpu "$knot_pid") - knot_cpu ))" "$ticks" <<'PY' | tee -a "$work/summary"
import statistics, sys
label, path, total, count, flips, bind_cpu, knot_cpu, ticks = sys.argv[1:]
rows = [line.split() for line in open(path) if line.strip()]
for index, name in enumerate(("BIND", "Knot")):
    times = sorted(float(row[index]) for row in rows if row[index] != "timeout")
    missed = sum(1 for row in rows if row[index] == "timeout")
    cpu = int(bind_cpu if name == "BIND" else knot_cpu) / int(ticks) / int(flips)
    if times:
        print(f"{label} {name}: median {statistics.median(times):.3f} s, max {times[-1]:.3f} s over {len(times)} flips"
              f"{f', {missed} not followed' if missed else ''}; {cpu:.3f} s CPU per flip")
    else:
        print(f"{label} {name}: no flip followed")
print(f"{label}: {int(total) / int(flips):,.0f} bytes per flip to the 2 secondaries, "
      f"{int(total) / max(1, int(count)):,.0f} per transfer ({count} transfers, {int(total):,} bytes)")
PY
}

echo "== $records records, $flips flips, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
run IXFR
kill "$controller"; wait "$controller" 2>/dev/null || true
start_controller --journal-versions 0
sleep 2
run "full transfers"
python3 - "$work/summary" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
def value(label, name, field):
    for line in lines:
        if line.startswith(f"{label} {name}:"):
            m = re.search(field + r" ([0-9.]+) s", line)
            return float(m.group(1)) if m else None
for name in ("BIND", "Knot"):
    ixfr, full = value("IXFR", name, "median"), value("full transfers", name, "median")
    if ixfr and full:
        print(f"{name}: IXFR follows in {ixfr / full:.2f}× the time of a full transfer (median {ixfr:.3f} s vs {full:.3f} s)")
PY
