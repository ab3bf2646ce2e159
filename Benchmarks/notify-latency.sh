#!/usr/bin/env bash
# Notification latency: from the DNS answer flipping to the secondary to the signed webhook arriving at a
# local receiver. Two local HTTP endpoints, a failover policy probed every second, a webhook notifier.
# Each round kills the primary, polls DNS every 10 ms until the answer flips (that instant is the start),
# and reads when the receiver logged the failover delivery. See Benchmarks/README.md.
#
# Usage: Benchmarks/notify-latency.sh [ROUNDS]   (default 5)
set -euo pipefail
rounds="${1:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh python3 bind9-dnsutils
swift build -c release --product switchyard >/dev/null
work="$(mktemp -d)"
pids=()
primary=""
cleanup() {
    for pid in "${pids[@]}" $primary; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
hook_port=$(free_port)
start_peer() {  # start_peer NAME COMMAND… → PID once it printed ready
    "${@:2}" > "$work/$1.out" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do grep -q ready "$work/$1.out" && break; sleep 0.05; done
    echo "$pid"
}
primary=$(start_peer primary python3 Tests/Peers/probe_peer.py http --host 127.0.0.1 --port "$http_port")
pids+=("$(start_peer secondary python3 Tests/Peers/probe_peer.py http --host 127.0.0.2 --port "$http_port")")
pids+=("$(start_peer hook python3 Tests/Peers/webhook_receiver.py --port "$hook_port" --secret bench --log "$work/hook.jsonl")")
mkdir -p "$work/manifests"
cat > "$work/manifests/all.yaml" <<YAML
apiVersion: switchyard.io/v1
kind: Zone
metadata: {name: example.test}
spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}
---
apiVersion: switchyard.io/v1
kind: Monitor
metadata: {name: web}
spec: {protocol: http, port: $http_port, path: /health, interval: 1s, timeout: 900ms, failureThreshold: 3, successThreshold: 2}
---
apiVersion: switchyard.io/v1
kind: FailoverPolicy
metadata: {name: www}
spec: {zone: example.test, name: www, type: A, monitor: web, notify: [hook],
       tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]}
---
apiVersion: switchyard.io/v1
kind: Notifier
metadata: {name: hook}
spec: {webhook: {url: "http://127.0.0.1:$hook_port/hook", secretFrom: "env:HOOK_SECRET"}}
YAML
dns_port=$(free_port)
HOOK_SECRET=bench .build/release/switchyard controller --manifests "$work/manifests" --dns-listen "127.0.0.1:$dns_port" \
    --data-dir "$work/data" --admin-listen 127.0.0.1:0 --interval 1h --notify-flap-limit 1000 \
    >"$work/switchyard.out" 2>"$work/switchyard.log" &
pids+=($!)
answer() { dig +short +tries=1 +time=1 @127.0.0.1 -p "$dns_port" www.example.test A 2>/dev/null; }
for _ in $(seq 100); do [ "$(answer)" = 127.0.0.1 ] && break; sleep 0.1; done
sleep 3
echo "== $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
for round in $(seq "$rounds"); do
    python3 - "$primary" "$dns_port" "$work/hook.jsonl" <<'PY' | tee -a "$work/latencies"
import json, os, signal, socket, struct, sys, time
pid, port, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seen = sum(1 for _ in open(log)) if os.path.exists(log) else 0
query = struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x03www\x07example\x04test\x00" + struct.pack(">HH", 1, 1)
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.05)
os.kill(pid, signal.SIGKILL)
flipped = None
deadline = time.time() + 30
while flipped is None and time.time() < deadline:
    sock.sendto(query, ("127.0.0.1", port))
    try:
        reply, _ = sock.recvfrom(4096)
        if reply[-4:] == socket.inet_aton("127.0.0.2"):
            flipped = time.time()
    except socket.timeout:
        pass
    time.sleep(0.01)
arrived = None
while arrived is None and time.time() < deadline:
    lines = open(log).read().splitlines()[seen:] if os.path.exists(log) else []
    for line in lines:
        entry = json.loads(line)
        if entry["event"] == "failover" and entry["valid"]:
            arrived = entry["arrived"]
    time.sleep(0.01)
print("timeout" if flipped is None or arrived is None else f"{arrived - flipped:.3f}")
PY
    primary=$(start_peer primary python3 Tests/Peers/probe_peer.py http --host 127.0.0.1 --port "$http_port")
    for _ in $(seq 200); do [ "$(answer)" = 127.0.0.1 ] && break; sleep 0.1; done
    sleep "$(python3 -c 'import random; print(round(2 + random.random() * 2, 2))')"
done
grep -v timeout "$work/latencies" | sort -n | awk '{a[NR]=$1; s+=$1} END {
    if (NR == 0) { print "no delivery arrived"; exit 1 }
    printf "webhook after the DNS flip: median %.3f s, mean %.3f s, min %.3f s, max %.3f s over %d rounds\n", a[int((NR+1)/2)], s/NR, a[1], a[NR], NR }'
