#!/usr/bin/env python3
"""The fleet benchmark's test hosts and measurements (run by Benchmarks/fleet-failover.sh, as root).

Namespaces: a hub with two bridges, `fleet` (the nodes' admin APIs and DNS, the measuring side) and
`probes` (the endpoints); three nodes fra, iad and sin, each with eth0 on `fleet` and eth1 on `probes`;
and an `ep` host on `probes` holding every endpoint address on its loopback, routed through its eth1. Probe traffic never crosses a node's eth0,
so the bytes counted there are the verdict exchange (with no DNS queries running while it is counted).

failover ROUNDS: quorum 2 of 3, probe every 1 s, down after 2 failures. Each round blackholes the
primary at fra, waits until fra's own verdict is down, then blackholes it at iad (the quorum's second
node) and asks every node every 10 ms until each answers with the secondary: the figure is the time
until every node's answer changed. Then both routes go and all nodes fail back.

traffic ENDPOINTS SECONDS: ENDPOINTS endpoints behind one TCP monitor probing every 10 s, watched by
all three nodes; after a warm-up, eth0's received and sent bytes on each node over SECONDS.
"""
import json, os, signal, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, ".build/release/switchyard")
NODES = ["fra", "iad", "sin"]
PREFIX = f"syb{os.getpid() % 10000}"
HUB = f"{PREFIX}-hub"
FLEET = {node: f"10.87.0.{index + 1}" for index, node in enumerate(NODES)}
TOKEN = "bench-fleet-token"
processes = []
namespaces = []


def ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def namespace(name):
    full = f"{PREFIX}-{name}"
    ip("netns", "add", full)
    namespaces.append(full)
    ip("-n", full, "link", "set", "lo", "up")
    return full


def attach(host, bridge, device, port, addresses):
    ip("-n", HUB, "link", "add", port, "type", "veth", "peer", "name", device, "netns", host)
    ip("-n", HUB, "link", "set", port, "master", bridge)
    ip("-n", HUB, "link", "set", port, "up")
    batch = "".join(f"addr add {address} dev {device}\n" for address in addresses)
    subprocess.run(["ip", "-n", host, "-batch", "-"], input=batch, text=True, check=True)
    ip("-n", host, "link", "set", device, "up")


def build_network(endpoints):
    ip("netns", "add", HUB)
    namespaces.append(HUB)
    ip("-n", HUB, "link", "set", "lo", "up")
    for bridge, address in [("fleet", "10.87.0.254/16"), ("probes", None)]:
        ip("-n", HUB, "link", "add", bridge, "type", "bridge")
        if address:
            ip("-n", HUB, "addr", "add", address, "dev", bridge)
        ip("-n", HUB, "link", "set", bridge, "up")
    # The endpoints live on ep's loopback, routed through its one address: the nodes need one ARP entry,
    # not one per endpoint (a thousand would overflow the neighbour table).
    for index, node in enumerate(NODES):
        host = namespace(node)
        attach(host, "fleet", "eth0", f"f{index}", [f"{FLEET[node]}/16"])
        attach(host, "probes", "eth1", f"p{index}", [f"10.88.255.{index + 1}/24"])
        ip("-n", host, "route", "add", "10.89.0.0/16", "via", "10.88.255.100")
    ep = namespace("ep")
    attach(ep, "probes", "eth1", "pe", ["10.88.255.100/24"])
    batch = "".join(f"addr add {address}/32 dev lo\n" for address in endpoints)
    subprocess.run(["ip", "-n", ep, "-batch", "-"], input=batch, text=True, check=True)


def ns(name):
    return f"{PREFIX}-{name}" if name != "hub" else HUB


def spawn(host, command, log):
    process = subprocess.Popen(["ip", "netns", "exec", ns(host), *command], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    processes.append(process)
    return process


def endpoint_addresses(count):
    return [f"10.89.{i // 250}.{i % 250 + 1}" for i in range(count)]


def manifests(directory, endpoints, interval, threshold, weighted):
    nodes = ", ".join(f'{{name: {node}, admin: "http://{FLEET[node]}:8053"}}' for node in NODES)
    if weighted:
        policy = f"""kind: WeightedPolicy
metadata: {{name: pool}}
spec: {{zone: example.test, name: pool, type: A, ttl: 30, monitor: web, answers: 2,
       endpoints: [{", ".join(endpoints)}]}}"""
        monitor = f"{{protocol: tcp, port: 80, interval: {interval}, timeout: 2s, failureThreshold: {threshold}, successThreshold: 1, quorum: 2}}"
    else:
        policy = f"""kind: FailoverPolicy
metadata: {{name: www}}
spec: {{zone: example.test, name: www, type: A, ttl: 30, monitor: web,
       tiers: [{{name: primary, endpoints: [{endpoints[0]}]}}, {{name: secondary, endpoints: [{endpoints[1]}]}}]}}"""
        monitor = f"{{protocol: http, port: 80, interval: {interval}, timeout: 500ms, failureThreshold: {threshold}, successThreshold: 1, quorum: 2}}"
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "all.yaml"), "w") as f:
        f.write(f"""apiVersion: switchyard.io/v1
kind: Fleet
metadata: {{name: bench}}
spec: {{nodes: [{nodes}], tokenFrom: "env:FLEET_TOKEN"}}
---
apiVersion: switchyard.io/v1
kind: Zone
metadata: {{name: example.test}}
spec: {{ttl: 300, soa: {{primary: fra, contact: hostmaster}}, nameservers: [fra, iad, sin],
       records: [{", ".join(f"{{name: {n}, type: A, values: [{a}]}}" for n, a in FLEET.items())}]}}
---
apiVersion: switchyard.io/v1
kind: Monitor
metadata: {{name: web}}
spec: {monitor}
---
apiVersion: switchyard.io/v1
{policy}
""")


def start_fleet(work, endpoints, interval, threshold, weighted):
    manifests(os.path.join(work, "manifests"), endpoints, interval, threshold, weighted)
    env = os.environ.copy()
    env.update({"FLEET_TOKEN": TOKEN, "SWITCHYARD_TOKEN": TOKEN})
    started = []
    for node in NODES:
        log = open(os.path.join(work, f"{node}.log"), "w")
        process = subprocess.Popen(["ip", "netns", "exec", ns(node), BINARY, "controller", "--manifests",
                                    os.path.join(work, "manifests"), "--node", node, "--data-dir", os.path.join(work, f"data-{node}"),
                                    "--dns-listen", f"{FLEET[node]}:53", "--admin-listen", f"{FLEET[node]}:8053",
                                    "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        processes.append(process)
        started.append(process)
    return started


def in_hub(*command):
    return subprocess.run(["ip", "netns", "exec", HUB, *command], capture_output=True, text=True)


def answer(node):
    out = in_hub("dig", f"@{FLEET[node]}", "www.example.test", "A", "+short", "+time=1", "+tries=1").stdout
    return out.strip()


def verdicts(node):
    out = in_hub("curl", "-s", "-H", f"Authorization: Bearer {TOKEN}", f"http://{FLEET[node]}:8053/v1/verdicts").stdout
    try:
        return json.loads(out)
    except ValueError:
        return None


def own_verdict(node, endpoint):
    body = verdicts(node)
    for monitor in (body or {}).get("monitors", []):
        for verdict in monitor["endpoints"]:
            if verdict["endpoint"] == endpoint:
                return verdict["state"]
    return None


def wait(condition, seconds, every=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def failover(work, rounds):
    endpoints = endpoint_addresses(2)
    build_network(endpoints)
    spawn("ep", ["python3", os.path.join(ROOT, "Tests/Peers/probe_peer.py"), "http", "--host", "0.0.0.0", "--port", "80"],
          open(os.path.join(work, "ep.log"), "w"))
    start_fleet(work, endpoints, "1s", 2, weighted=False)
    primary, secondary = endpoints
    if not wait(lambda: all(answer(node) == primary for node in NODES) and all(own_verdict(n, primary) == "up" for n in NODES), 60, 0.2):
        sys.exit("the fleet did not come up; see the logs in " + work)
    figures, per_node = [], {node: [] for node in NODES}
    for round_number in range(rounds):
        time.sleep(1 + (round_number % 4) * 0.25)  # different points of the probe cycle
        ip("-n", ns("fra"), "route", "add", "blackhole", f"{primary}/32")
        if not wait(lambda: own_verdict("fra", primary) == "down", 15):
            sys.exit("fra never saw the primary down")
        start = time.monotonic()
        ip("-n", ns("iad"), "route", "add", "blackhole", f"{primary}/32")
        seen = {}
        while len(seen) < len(NODES) and time.monotonic() - start < 30:
            for node in NODES:
                if node not in seen and answer(node) == secondary:
                    seen[node] = time.monotonic() - start
            time.sleep(0.01)
        if len(seen) < len(NODES):
            sys.exit(f"round {round_number + 1}: not every node failed over: {seen}")
        figures.append(max(seen.values()))
        for node, seconds in seen.items():
            per_node[node].append(seconds)
        print(f"round {round_number + 1}: " + ", ".join(f"{n} {seen[n]:.3f} s" for n in NODES), flush=True)
        for node in ["fra", "iad"]:
            ip("-n", ns(node), "route", "del", "blackhole", f"{primary}/32")
        if not wait(lambda: all(answer(node) == primary for node in NODES), 30, 0.1):
            sys.exit("the fleet did not fail back")
    print(f"every node answering the secondary, from the blackhole at the quorum's second node ({rounds} rounds): "
          f"median {statistics.median(figures):.3f} s, max {max(figures):.3f} s, min {min(figures):.3f} s")
    for node in NODES:
        print(f"  {node}: median {statistics.median(per_node[node]):.3f} s, max {max(per_node[node]):.3f} s")
    print("aim: median <= interval x threshold + 1.5 s = 3.5 s")


def link_bytes(node):
    out = ip("-n", ns(node), "-j", "-s", "link", "show", "eth0").stdout
    stats = json.loads(out)[0]["stats64"]
    return stats["rx"]["bytes"], stats["tx"]["bytes"]


def traffic(work, count, seconds):
    endpoints = endpoint_addresses(count)
    build_network(endpoints)
    spawn("ep", ["python3", os.path.join(ROOT, "Tests/Peers/probe_peer.py"), "tcp", "--host", "0.0.0.0", "--port", "80"],
          open(os.path.join(work, "ep.log"), "w"))
    start_fleet(work, endpoints, "10s", 2, weighted=True)

    def complete():
        for node in NODES:
            body = verdicts(node)
            states = [v["state"] for m in (body or {}).get("monitors", []) for v in m["endpoints"]]
            if len(states) != count or states.count("up") != count:
                return False
        return True
    if not wait(complete, 120, 1):
        body = verdicts("fra") or {}
        states = [v["state"] for m in body.get("monitors", []) for v in m["endpoints"]]
        sys.exit(f"the nodes did not reach a verdict on every endpoint (fra: {len(states)} verdicts, {states.count('up')} up; "
                 f"{body.get('monitors', [{}])[0].get('endpoints', [None])[:2] if body else 'no answer'}); see the logs in {work}")
    time.sleep(12)  # every node has pulled full lists at least once
    size = in_hub("curl", "-s", "-o", "/dev/null", "-w", "%{size_download}", "-H", f"Authorization: Bearer {TOKEN}",
                  f"http://{FLEET['fra']}:8053/v1/verdicts").stdout
    before = {node: link_bytes(node) for node in NODES}
    time.sleep(seconds)
    after = {node: link_bytes(node) for node in NODES}
    print(f"verdict exchange with {count} endpoints probed every 10 s (one /v1/verdicts body: {int(size):,} bytes), over {seconds} s:")
    for node in NODES:
        rx = (after[node][0] - before[node][0]) / seconds
        tx = (after[node][1] - before[node][1]) / seconds
        print(f"  {node}: received {rx / 1024:.1f} KiB/s, sent {tx / 1024:.1f} KiB/s, together {(rx + tx) / 1024:.1f} KiB/s")
    print("aim: <= 50 KiB/s per node")


def cleanup():
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 3
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    for name in reversed(namespaces):
        ip("netns", "del", name, check=False)


if __name__ == "__main__":
    mode = sys.argv[1]
    work = tempfile.mkdtemp(prefix="switchyard-fleet-bench-")
    try:
        if mode == "failover":
            failover(work, int(sys.argv[2]))
        else:
            traffic(work, int(sys.argv[2]), int(sys.argv[3]))
    finally:
        cleanup()
