import DNSWire
import Model

/// A binary trie of address prefixes (one per family) for longest-prefix matching: a lookup walks at
/// most 32 or 128 nodes, however many networks a geo policy names. Each node also knows which values
/// its subtree holds (none, one, or several), which is what the Client Subnet scope of an answer needs.
struct PrefixTrie: Hashable, Sendable {
    private struct Node: Hashable, Sendable {
        var children: (Int32, Int32) = (-1, -1)
        /// The value stored at this prefix, or -1.
        var value: Int32 = -1
        /// The values stored in this subtree, this node's included: -1 none, -2 several, else the one.
        var subtree: Int32 = -1

        static func == (lhs: Node, rhs: Node) -> Bool {
            lhs.children == rhs.children && lhs.value == rhs.value && lhs.subtree == rhs.subtree
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(children.0)
            hasher.combine(children.1)
            hasher.combine(value)
            hasher.combine(subtree)
        }
    }

    private var nodes: [Node] = [Node()]

    /// Stores `value` at `cidr` unless a value is already there (the first one wins).
    mutating func insert(_ cidr: CIDR, value: Int) {
        let (high, low) = Self.bits(cidr.address)
        var index = 0
        var path = [0]
        for depth in 0..<Int(cidr.prefixLength) {
            let bit = Self.bit(depth, high, low)
            let child = bit == 0 ? nodes[index].children.0 : nodes[index].children.1
            if child >= 0 {
                index = Int(child)
            } else {
                nodes.append(Node())
                let created = Int32(nodes.count - 1)
                if bit == 0 { nodes[index].children.0 = created } else { nodes[index].children.1 = created }
                index = Int(created)
            }
            path.append(index)
        }
        guard nodes[index].value < 0 else { return }
        nodes[index].value = Int32(value)
        for node in path {
            let held = nodes[node].subtree
            nodes[node].subtree = held == -1 || held == Int32(value) ? Int32(value) : -2
        }
    }

    /// The Client Subnet scope of an answer for `address` decided at `depth` (the matched prefix's
    /// length, 0 when nothing matched) with `value` (nil: no match): the shortest prefix of the address,
    /// no shorter than `depth`, whose block holds no stored prefix of another value. A resolver may
    /// then cache the answer for that whole block, and for no more (RFC 7871 §7.2.1): a /16 region
    /// with a /24 of another region inside it answers its other clients with a scope that leaves the /24 out.
    func scope(of address: IPAddress, value: Int?, from depth: UInt8) -> UInt8 {
        let (high, low) = Self.bits(address)
        let width = if case .v4 = address { 32 } else { 128 }
        let decided = Int32(value ?? -1)
        var index = 0
        for current in 0...width {
            let held = nodes[index].subtree
            if current >= Int(depth) && (held == -1 || held == decided) { return UInt8(current) }
            guard current < width else { break }
            let child = Self.bit(current, high, low) == 0 ? nodes[index].children.0 : nodes[index].children.1
            guard child >= 0 else { return UInt8(max(current + 1, Int(depth))) }  // nothing stored below
            index = Int(child)
        }
        return UInt8(width)
    }

    /// The value of the longest stored prefix containing `address`, with that prefix's length.
    func longestMatch(_ address: IPAddress) -> (value: Int, prefixLength: UInt8)? {
        let (high, low) = Self.bits(address)
        let width = if case .v4 = address { 32 } else { 128 }
        var index = 0
        var best: (Int, UInt8)? = nodes[0].value >= 0 ? (Int(nodes[0].value), 0) : nil
        for depth in 0..<width {
            let child = Self.bit(depth, high, low) == 0 ? nodes[index].children.0 : nodes[index].children.1
            guard child >= 0 else { break }
            index = Int(child)
            if nodes[index].value >= 0 { best = (Int(nodes[index].value), UInt8(depth + 1)) }
        }
        return best
    }

    /// The address as 128 bits, IPv4 in the top 32.
    private static func bits(_ address: IPAddress) -> (UInt64, UInt64) {
        switch address {
        case .v4(let v4): (UInt64(v4.value) << 32, 0)
        case .v6(let v6): (v6.high, v6.low)
        }
    }

    @inline(__always)
    private static func bit(_ depth: Int, _ high: UInt64, _ low: UInt64) -> UInt64 {
        depth < 64 ? (high >> (63 - UInt64(depth))) & 1 : (low >> (127 - UInt64(depth))) & 1
    }
}
