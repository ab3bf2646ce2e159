import Foundation

/// Test hosts made of network namespaces: a hub namespace holding a bridge, and hosts joined to it by
/// veth pairs, each with an address in a private /24 that exists only inside these namespaces. Names
/// carry the test process's id, so parallel runs do not meet. `remove()` deletes every namespace (the
/// processes in them must be stopped first); it also runs on deinit.
///
/// Making them needs root (CI runs as root); without it `init` throws with `ip`'s own words, so a test
/// fails with the reason instead of skipping.
public final class NetworkLab: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let output: String
        public var description: String { "could not make the test network (\(command)): \(output)" }
    }

    /// The hub's own address on the bridge: where peers that every host reaches run (receivers).
    public let hubAddress: String
    public let hub: String
    /// Each host's namespace by the name the test gives it, and its address.
    public private(set) var namespaces: [String: String] = [:]
    public private(set) var addresses: [String: [String]] = [:]
    private let prefix: String
    private let subnet: String
    private var removed = false

    /// `subnet`: the first three octets of the private /24, such as `10.77.0`.
    public init(subnet: String = "10.77.0") throws {
        prefix = "sy\(getpid() % 100_000)"
        self.subnet = subnet
        hub = "\(prefix)-hub"
        hubAddress = "\(subnet).254"
        try ip(["netns", "add", hub])
        try ip(["-n", hub, "link", "set", "lo", "up"])
        try ip(["-n", hub, "link", "add", "br0", "type", "bridge"])
        try ip(["-n", hub, "addr", "add", "\(hubAddress)/24", "dev", "br0"])
        try ip(["-n", hub, "link", "set", "br0", "up"])
    }

    /// A host `name` with `addresses` (last octets in the subnet; the first is its main address).
    @discardableResult
    public func addHost(_ name: String, octets: [Int]) throws -> String {
        let namespace = "\(prefix)-\(name)"
        let port = "v\(namespaces.count)"
        try ip(["netns", "add", namespace])
        namespaces[name] = namespace
        try ip(["-n", namespace, "link", "set", "lo", "up"])
        try ip(["-n", hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", namespace])
        try ip(["-n", hub, "link", "set", port, "master", "br0"])
        try ip(["-n", hub, "link", "set", port, "up"])
        let list = octets.map { "\(subnet).\($0)" }
        for address in list { try ip(["-n", namespace, "addr", "add", "\(address)/24", "dev", "eth0"]) }
        try ip(["-n", namespace, "link", "set", "eth0", "up"])
        addresses[name] = list
        return list[0]
    }

    public func namespace(of host: String) -> String { namespaces[host] ?? hub }

    /// `ip netns exec` prefix for a command run on `host` (nil: the hub).
    public func exec(on host: String?) -> [String] {
        ["ip", "netns", "exec", host.map(namespace(of:)) ?? hub]
    }

    /// Runs a command on `host` (nil: the hub) to completion.
    public func run(on host: String?, _ command: [String], timeout: TimeInterval = 20) throws -> (status: Int32, output: String) {
        try SwitchyardTesting.run("ip", ["netns", "exec", host.map(namespace(of:)) ?? hub] + command, timeout: timeout)
    }

    /// Makes `address` unreachable from `host` (a blackhole route): probes and pulls to it fail at once.
    public func blackhole(_ address: String, from host: String) throws {
        try ip(["-n", namespace(of: host), "route", "add", "blackhole", "\(address)/32"])
    }

    public func restore(_ address: String, from host: String) throws {
        try ip(["-n", namespace(of: host), "route", "del", "blackhole", "\(address)/32"])
    }

    /// Deletes every namespace, hosts first; errors are ignored (some may be gone already).
    public func remove() {
        guard !removed else { return }
        removed = true
        for namespace in namespaces.values.sorted() + [hub] { _ = try? SwitchyardTesting.run("ip", ["netns", "del", namespace]) }
    }

    private func ip(_ arguments: [String]) throws {
        let (status, output) = try SwitchyardTesting.run("ip", arguments)
        guard status == 0 else { throw Failure(command: "ip " + arguments.joined(separator: " "), output: output) }
    }

    deinit { remove() }
}
