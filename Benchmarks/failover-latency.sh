#!/usr/bin/env bash
# Failover latency: Switchyard and gdnsd watch the same two local HTTP endpoints (primary 127.0.0.1,
# secondary 127.0.0.2, same port) with the same settings — probe every 1 s (gdnsd: 2 s, its minimum),
# down after 3 failures in a row, up after 2 successes. Each round kills the primary and times how long until each server answers
# with the secondary (a UDP query every 10 ms), then restores the primary and waits for both to fail back.
# See Benchmarks/README.md ("Failover latency").
#
# Usage: Benchmarks/failover-latency.sh [ROUNDS]   (default 10)
set -euo pipefail
rounds="${1:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh gdnsd python3 bind9-dnsutils
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
start_endpoint() {  # start_endpoint ADDRESS → PID on stdout once ready
    python3 Tests/Peers/probe_peer.py http --host "$1" --port "$http_port" > "$work/peer-$1.out" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do grep -q ready "$work/peer-$1.out" && break; sleep 0.05; done
    echo "$pid"
}
primary=$(start_endpoint 127.0.0.1)
pids+=("$(start_endpoint 127.0.0.2)")

mkdir -p "$work/manifests" "$work/gdnsd/zones"
cat > "$work/manifests/failover.yaml" <<YAML
apiVersion: switchyard.io/v1
kind: Zone
metadata: {name: example.test}
spec: {ttl: 300, soa: {primary: ns1, contact: hostmaster}, nameservers: [ns1, ns2]}
---
apiVersion: switchyard.io/v1
kind: Monitor
metadata: {name: web}
spec: {protocol: http, port: $http_port, path: /health, host: www.example.test, expectStatus: [200],
       interval: 1s, timeout: 900ms, failureThreshold: 3, successThreshold: 2}
---
apiVersion: switchyard.io/v1
kind: FailoverPolicy
metadata: {name: www}
spec:
  zone: example.test
  name: www
  type: A
  ttl: 30
  monitor: web
  tiers: [{name: primary, endpoints: [127.0.0.1]}, {name: secondary, endpoints: [127.0.0.2]}]
YAML
# gdnsd: simplefo (primary, then secondary) with http_status. down_thresh 3 with ok_thresh 1 is "3
# failures in a row" (one success resets the count); up_thresh 2 is "2 successes to come back". Its
# interval cannot go below 2 s ("Value out of range (2, 3600)"), so that is the closest it gets.
cat > "$work/gdnsd/zones/example.test" <<ZONE
\$TTL 300
@    SOA ns1 hostmaster 1 3600 600 1209600 300
@    NS  ns1
@    NS  ns2
ns1  A   127.0.0.53
ns2  A   127.0.0.54
www  30  DYNA simplefo!www
ZONE
ours_port=$(free_port)
gdnsd_port=$(free_port)
cat > "$work/gdnsd/config" <<GDNSD
options => { listen => [ 127.0.0.1:$gdnsd_port ] }
service_types => {
  web => { plugin => http_status, port => $http_port, url_path => /health, vhost => www.example.test,
           ok_codes => [ 200 ], interval => 2, timeout => 1, down_thresh => 3, ok_thresh => 1, up_thresh => 2 }
}
plugins => { simplefo => { www => { primary => 127.0.0.1, secondary => 127.0.0.2, service_types => [ web ] } } }
GDNSD
.build/release/switchyard controller --manifests "$work/manifests" --dns-listen "127.0.0.1:$ours_port" --interval 1h \
    --data-dir "$work/data" --admin-listen 127.0.0.1:0 \
    >"$work/switchyard.out" 2>"$work/switchyard.log" &
pids+=($!)
mkdir -p /run/gdnsd
gdnsd -c "$work/gdnsd" start >"$work/gdnsd.log" 2>&1 &
pids+=($!)

answer() { dig +short +tries=1 +time=1 @127.0.0.1 -p "$1" www.example.test A 2>/dev/null; }
wait_both() {  # wait_both ADDRESS: until both servers answer ADDRESS, at most 30 s
    for _ in $(seq 300); do
        [ "$(answer "$ours_port")" = "$1" ] && [ "$(answer "$gdnsd_port")" = "$1" ] && return 0
        sleep 0.1
    done
    echo "timed out waiting for both servers to answer $1 (switchyard: $(answer "$ours_port"), gdnsd: $(answer "$gdnsd_port"))"
    tail -n 5 "$work/switchyard.log" "$work/gdnsd.log"
    exit 1
}
wait_both 127.0.0.1
sleep 3  # both monitors have seen the primary up for a while
echo "== $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
for round in $(seq "$rounds"); do
    python3 Benchmarks/peers/failover_clock.py "$primary" www.example.test 127.0.0.2 \
        "switchyard=$ours_port" "gdnsd=$gdnsd_port" | tee -a "$work/times"
    primary=$(start_endpoint 127.0.0.1)
    wait_both 127.0.0.1
    # A random pause puts the next kill at a random point of both probe cycles.
    sleep "$(python3 -c 'import random; print(round(2 + random.random() * 2, 2))')"
done
summary() {
    grep "^$1 " "$work/times" | awk '{print $2}' | sort -n | awk -v name="$1" '
        {a[NR]=$1; s+=$1} END {printf "%-10s median %.2f s, mean %.2f s, min %.2f s, max %.2f s over %d rounds\n",
                               name, a[int((NR+1)/2)], s/NR, a[1], a[NR], NR}'
}
summary switchyard
summary gdnsd
