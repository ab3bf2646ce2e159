#!/usr/bin/env bash
# A fleet of three Switchyard nodes (release build) on three test hosts made of network namespaces,
# agreeing by quorum 2: how long from an endpoint blackholed at the quorum's second node until every
# node answers with the secondary (ROUNDS rounds), and how many bytes a second the verdict exchange
# costs each node with ENDPOINTS monitored endpoints probed every 10 s. Needs root (ip netns).
# See Benchmarks/README.md ("A fleet failing over") and Benchmarks/peers/fleet_lab.py.
#
# Usage: Benchmarks/fleet-failover.sh [ROUNDS] [ENDPOINTS] [SECONDS]   (default 10 rounds, 1000 endpoints, 60 s)
set -euo pipefail
rounds="${1:-10}"
endpoints="${2:-1000}"
seconds="${3:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-apt-packages.sh python3 bind9-dnsutils iproute2 curl
swift build -c release --product switchyard >/dev/null
python3 Benchmarks/peers/fleet_lab.py failover "$rounds"
python3 Benchmarks/peers/fleet_lab.py traffic "$endpoints" "$seconds"
