#!/usr/bin/env bash
# A million records: the controller's resident memory once serving and its peak while loading, then the
# time from a restart (the same data directory: served from the store) to the first answer, with the same
# answers as before it. See Benchmarks/README.md ("A million records").
#
# Usage: Benchmarks/million-records.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh bind9-dnsutils python3
swift build -c release --product switchyard >/dev/null
switchyard="$root/.build/release/switchyard"
work="$(mktemp -d)"
pid=""
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

echo "== 1,000,000 records: 10 zones of 100,000 A, AAAA, TXT, MX and CNAME sets ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
mkdir -p "$work/million"
python3 - "$work/million" <<'PY'
import sys
out = sys.argv[1]
for zone in range(10):
    with open(f"{out}/zone{zone}.yaml", "w") as f:
        f.write(f"apiVersion: switchyard.io/v1\nkind: Zone\nmetadata: {{name: zone{zone}.example}}\nspec:\n"
                f"  ttl: 3600\n  soa: {{primary: ns1, contact: hostmaster}}\n  nameservers: [ns1, ns2]\n  records:\n")
        for record in range(100_000):
            kind = record % 10
            if kind < 5: f.write(f"    - {{name: host{record}, type: A, values: [10.{zone}.{record // 250 % 256}.{record % 250}]}}\n")
            elif kind < 7: f.write(f"    - {{name: host{record}, type: AAAA, values: [\"2001:db8:{zone}:{record >> 16:x}::{record & 0xffff:x}\"]}}\n")
            elif kind == 7: f.write(f"    - {{name: txt{record}, type: TXT, values: [\"v=spf1 ip4:10.{zone}.0.0/16 -all\"]}}\n")
            elif kind == 8: f.write(f"    - {{name: mail{record}, type: MX, values: [\"10 host{record - 8}\"]}}\n")
            else: f.write(f"    - {{name: alias{record}, type: CNAME, values: [host{record - 9}]}}\n")
PY
# One name of each kind in the first and the last zone, and one that does not exist.
names="host0.zone0.example/A host99990.zone9.example/A host99996.zone9.example/AAAA txt99997.zone9.example/TXT
       mail99998.zone9.example/MX alias99999.zone9.example/A zone5.example/SOA nothere.zone9.example/A"
answers() {
    for query in $names; do
        dig @127.0.0.1 -p "$port" +norec +noall +answer +authority "${query%/*}" "${query#*/}" | sort
    done
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
# start: runs the controller and waits until it answers a name of the last zone (bounded: 2 minutes).
start() {
    "$switchyard" controller --manifests "$work/million" --dns-listen "127.0.0.1:$port" --interval 1h \
        --data-dir "$work/data" --admin-listen 127.0.0.1:0 >>"$work/controller.out" 2>>"$work/controller.log" &
    pid=$!
    for _ in $(seq 2400); do
        # host99990 of zone 9 is 10.9.(99990 / 250 % 256).(99990 % 250).
        [ "$(dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" host99990.zone9.example A 2>/dev/null)" = 10.9.143.240 ] && return 0
        kill -0 "$pid" 2>/dev/null || { echo "the controller exited:"; tail -5 "$work/controller.out"; exit 1; }
        sleep 0.05
    done
    echo "the controller did not serve within 2 minutes"; exit 1
}
memory() {  # resident after 2 s of serving (the apply's temporaries are handed back by then), and the peak
    sleep 2
    echo "$1: resident $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB, peak $(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 )) MiB"
}

began=$(now); start; served=$(now)
echo "first start (manifests read, compiled, stored, served): $(elapsed "$began" "$served") s"
memory "first start"
answers > "$work/before"
kill -TERM "$pid"; wait "$pid" || true

began=$(now); start; served=$(now)
echo "restart (served from the store): $(elapsed "$began" "$served") s"
memory "after the restart"
answers > "$work/after"
if cmp -s "$work/before" "$work/after"; then
    echo "answers after the restart: the same as before ($(grep -c . "$work/after") records over $(wc -w <<< "$names") queries)"
else
    echo "answers after the restart DIFFER:"; diff "$work/before" "$work/after"; exit 1
fi
