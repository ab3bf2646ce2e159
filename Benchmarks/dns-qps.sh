#!/usr/bin/env bash
# Queries per second for a static A query mix and for failover, weighted and geo (with Client Subnet)
# policies: Switchyard and gdnsd (static records; multifo, weighted and geoip plugins) serving the same
# zone on loopback, measured in the same run with dnsperf, with the ratios; then the server CPU each
# spends per answered query at a fixed rate. Then the same mixes (and denials) from a second Switchyard
# serving the zone signed, queried with DO, against the unsigned one. See Benchmarks/README.md.
#
# Usage: Benchmarks/dns-qps.sh [SECONDS_PER_RUN] [RUNS]   (default 10 s, 3 runs per server)
set -euo pipefail
seconds="${1:-10}"
runs="${2:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh dnsperf gdnsd python3
swift build -c release --product switchyard >/dev/null
switchyard="$root/.build/release/switchyard"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The same static zone for both servers.
mkdir -p "$work/manifests" "$work/gdnsd/zones"
cat > "$work/manifests/zone.yaml" <<YAML
apiVersion: switchyard.io/v1
kind: Zone
metadata: {name: example.com}
spec:
  ttl: 3600
  soa: {primary: ns1, contact: hostmaster, negativeTtl: 300}
  nameservers: [ns1, ns2]
  records:
    - {name: "@", type: A, values: [192.0.2.10]}
    - {name: www, type: A, values: [192.0.2.1]}
    - {name: api, type: A, values: [192.0.2.2]}
    - {name: mail, type: A, values: [192.0.2.3]}
    - {name: ns1, type: A, values: [192.0.2.53]}
    - {name: ns2, type: A, values: [192.0.2.54]}
---
apiVersion: switchyard.io/v1
kind: FailoverPolicy
metadata: {name: fo}
spec: {zone: example.com, name: fo, type: A, ttl: 60,
       tiers: [{name: primary, endpoints: [192.0.2.1, 192.0.2.2]}, {name: secondary, endpoints: [198.51.100.1]}]}
---
apiVersion: switchyard.io/v1
kind: WeightedPolicy
metadata: {name: wt}
spec: {zone: example.com, name: wt, type: A, ttl: 60,
       endpoints: [{address: 192.0.2.10, weight: 3}, {address: 192.0.2.11, weight: 1}]}
---
apiVersion: switchyard.io/v1
kind: GeoPolicy
metadata: {name: geo}
spec:
  zone: example.com
  name: geo
  type: A
  ttl: 60
  networks: {office: [10.20.0.0/16]}
  regions:
    - {name: office, match: {networks: [office]}, endpoints: [10.20.0.10]}
    - {name: rest, default: true, endpoints: [203.0.113.10]}
YAML
cat > "$work/gdnsd/zones/example.com" <<ZONE
\$TTL 3600
@    SOA ns1 hostmaster 1 3600 600 1209600 300
@    NS  ns1
@    NS  ns2
@    A   192.0.2.10
www  A   192.0.2.1
api  A   192.0.2.2
mail A   192.0.2.3
ns1  A   192.0.2.53
ns2  A   192.0.2.54
fo   60 DYNA multifo!fo
wt   60 DYNA weighted!wt
geo  60 DYNA geoip!geo
ZONE
printf 'www.example.com A\napi.example.com A\nmail.example.com A\nns1.example.com A\nexample.com A\n' > "$work/static"
printf 'fo.example.com A\n' > "$work/failover"
printf 'wt.example.com A\n' > "$work/weighted"
printf 'geo.example.com A\n' > "$work/geo"
printf 'missing1.example.com A\nmissing2.example.com A\nwww.example.com AAAA\n' > "$work/denial"
# The same zone signed (ECDSA P-256, the key generated on start), for the DNSSEC section.
mkdir -p "$work/signed"
sed 's/^  nameservers: \[ns1, ns2\]$/  nameservers: [ns1, ns2]\n  dnssec: {algorithm: ecdsap256sha256}/' \
    "$work/manifests/zone.yaml" > "$work/signed/zone.yaml"
grep -q 'dnssec:' "$work/signed/zone.yaml" || { echo "the signed manifests were not written" >&2; exit 1; }

ours_port=$(free_port)
"$switchyard" controller --manifests "$work/manifests" --dns-listen "127.0.0.1:$ours_port" --interval 1h \
    --data-dir "$work/data" --admin-listen 127.0.0.1:0 \
    >"$work/switchyard.out" 2>"$work/switchyard.log" &
ours_pid=$!
pids+=($ours_pid)
signed_port=$(free_port)
"$switchyard" controller --manifests "$work/signed" --dns-listen "127.0.0.1:$signed_port" --interval 1h \
    --data-dir "$work/signed-data" --admin-listen 127.0.0.1:0 \
    >"$work/signed.out" 2>"$work/signed.log" &
signed_pid=$!
pids+=($signed_pid)
gdnsd_port=$(free_port)
cat > "$work/gdnsd/config" <<GDNSD
options => { listen => [ 127.0.0.1:$gdnsd_port ], udp_threads => 2, tcp_threads => 1 }
plugins => {
  multifo => { fo => { a => 192.0.2.1, b => 192.0.2.2 } }
  weighted => { wt => { a = [ 192.0.2.10, 3 ], b = [ 192.0.2.11, 1 ] } }
  geoip => {
    maps => { m => { datacenters => [ rest, office ], nets => { 10.20.0.0/16 => [ office ] } } }
    resources => { geo => { map => m, dcmap => { office => 10.20.0.10, rest => 203.0.113.10 } } }
  }
}
GDNSD
mkdir -p /run/gdnsd
gdnsd -c "$work/gdnsd" start >"$work/gdnsd.log" 2>&1 &
gdnsd_pid=$!
pids+=($gdnsd_pid)
for _ in $(seq 50); do
    dig +short @127.0.0.1 -p "$ours_port" www.example.com >/dev/null 2>&1 && dig +short @127.0.0.1 -p "$gdnsd_port" www.example.com >/dev/null 2>&1 && break
    sleep 0.2
done
[ "$(dig +short @127.0.0.1 -p "$gdnsd_port" www.example.com)" = 192.0.2.1 ] || { echo "gdnsd did not start:"; cat "$work/gdnsd.log"; exit 1; }
[ "$(dig +short @127.0.0.1 -p "$ours_port" www.example.com)" = 192.0.2.1 ] || { echo "switchyard did not start:"; cat "$work/switchyard.log"; exit 1; }
for name in fo wt geo; do
    [ -n "$(dig +short @127.0.0.1 -p "$gdnsd_port" $name.example.com)" ] || { echo "gdnsd does not answer $name:"; cat "$work/gdnsd.log"; exit 1; }
    [ -n "$(dig +short @127.0.0.1 -p "$ours_port" $name.example.com)" ] || { echo "switchyard does not answer $name"; exit 1; }
done
[ "$(dig +short @127.0.0.1 -p "$gdnsd_port" geo.example.com +subnet=10.20.1.0/24)" = 10.20.0.10 ] || { echo "gdnsd geo does not map the office"; exit 1; }
[ "$(dig +short @127.0.0.1 -p "$ours_port" geo.example.com +subnet=10.20.1.0/24)" = 10.20.0.10 ] || { echo "switchyard geo does not map the office"; exit 1; }

# qps PORT QUERYFILE [DNSPERF OPTIONS…]
qps() {
    local port="$1" file="$2"
    shift 2
    dnsperf -s 127.0.0.1 -p "$port" -d "$file" -c 8 -T 2 -q 200 -l "$seconds" "$@" 2>&1 \
        | sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "== dnsperf -c 8 -T 2 -q 200 -l $seconds, $runs runs each, alternating ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
# Client Subnet 10.20.1.0/24 (family 1, source 24, scope 0) on every geo query.
ecs="8:000118000a1401"
for mix in static failover weighted geo; do
    extra=()
    [ "$mix" = geo ] && extra=(-E "$ecs")
    : > "$work/ours.$mix"; : > "$work/theirs.$mix"
    for run in $(seq "$runs"); do
        qps "$ours_port" "$work/$mix" "${extra[@]}" >> "$work/ours.$mix"
        qps "$gdnsd_port" "$work/$mix" "${extra[@]}" >> "$work/theirs.$mix"
    done
    ours=$(median < "$work/ours.$mix"); theirs=$(median < "$work/theirs.$mix")
    eval "ours_$mix=$ours"
    echo "$mix: switchyard $ours qps, gdnsd $theirs qps, ratio $(ratio "$ours" "$theirs") (runs: $(paste -sd' ' "$work/ours.$mix") / $(paste -sd' ' "$work/theirs.$mix"))"
done
echo "switchyard policy mixes against its static mix: failover $(ratio "$ours_failover" "$ours_static"), weighted $(ratio "$ours_weighted" "$ours_static"), geo $(ratio "$ours_geo" "$ours_static")"

# Server CPU per answered query at a fixed offered rate both servers sustain, so dnsperf's own ceiling
# (it shares the 2 cores) cannot hide the difference: utime and stime of the server process over the
# run, from /proc/PID/stat in clock ticks, divided by the queries dnsperf saw answered. User and system
# time are shown apart: the kernel's part (receiving and sending each datagram) is the same work for both.
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
cpu_per_query() {  # PID PORT QUERYFILE [DNSPERF OPTIONS…]: "TOTAL USER SYSTEM" µs of server CPU per answered query
    local pid="$1" port="$2" file="$3" before after completed
    shift 3
    before=$(cpu_ticks "$pid")
    completed=$(dnsperf -s 127.0.0.1 -p "$port" -d "$file" -c 8 -T 2 -q 200 -Q "$rate" -l "$seconds" "$@" 2>&1 \
        | sed -n 's/.*Queries completed: *\([0-9]*\).*/\1/p')
    after=$(cpu_ticks "$pid")
    echo "$before $after" | awk -v hz="$(getconf CLK_TCK)" -v n="$completed" '{
        user = ($3 - $1) / hz * 1e6 / n; kernel = ($4 - $2) / hz * 1e6 / n
        printf "%.2f %.2f %.2f\n", user + kernel, user, kernel }'
}
rate="${QPS_RATE:-100000}"
echo "== server CPU per answered query (user + system), dnsperf -Q $rate -l $seconds, $runs runs each, median by total (lower is better)"
for mix in static failover weighted geo; do
    extra=()
    [ "$mix" = geo ] && extra=(-E "$ecs")
    : > "$work/ours-cpu.$mix"; : > "$work/theirs-cpu.$mix"
    for run in $(seq "$runs"); do
        cpu_per_query "$ours_pid" "$ours_port" "$work/$mix" "${extra[@]}" >> "$work/ours-cpu.$mix"
        cpu_per_query "$gdnsd_pid" "$gdnsd_port" "$work/$mix" "${extra[@]}" >> "$work/theirs-cpu.$mix"
    done
    ours=$(sort -n "$work/ours-cpu.$mix" | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
    theirs=$(sort -n "$work/theirs-cpu.$mix" | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
    read -r ours_total ours_user ours_system <<< "$ours"
    read -r theirs_total theirs_user theirs_system <<< "$theirs"
    echo "$mix: switchyard $ours_total µs (user $ours_user, system $ours_system), gdnsd $theirs_total µs (user $theirs_user, system $theirs_system), ratio $(ratio "$ours_total" "$theirs_total")"
done

# DNSSEC: each mix from the signed server with DO set (RRSIGs in every answer, compact denials) against
# the unsigned server without DO, alternating. Signatures are made once and then come from the packet
# cache (and the signature cache), so this is the cost of larger responses and of the DO path.
for _ in $(seq 50); do dig +short +dnssec @127.0.0.1 -p "$signed_port" www.example.com 2>/dev/null | grep -q RRSIG && break; sleep 0.2; done
dig +dnssec @127.0.0.1 -p "$signed_port" www.example.com | grep -q 'RRSIG' || { echo "the signed server does not sign:"; cat "$work/signed.log"; exit 1; }
echo "== signed (DO) against unsigned, dnsperf -c 8 -T 2 -q 200 -l $seconds, $runs runs each, alternating"
for mix in static failover weighted geo denial; do
    extra=()
    [ "$mix" = geo ] && extra=(-E "$ecs")
    : > "$work/unsigned.$mix"; : > "$work/signed.$mix"
    for run in $(seq "$runs"); do
        qps "$ours_port" "$work/$mix" "${extra[@]}" >> "$work/unsigned.$mix"
        qps "$signed_port" "$work/$mix" -D "${extra[@]}" >> "$work/signed.$mix"
    done
    unsigned=$(median < "$work/unsigned.$mix"); signed=$(median < "$work/signed.$mix")
    echo "$mix: signed $signed qps, unsigned $unsigned qps, ratio $(ratio "$signed" "$unsigned") (runs: $(paste -sd' ' "$work/signed.$mix") / $(paste -sd' ' "$work/unsigned.$mix"))"
done
