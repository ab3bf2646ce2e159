import Model

extension DocumentDecoder {
    static let fleetFields = ["nodes", "tokenFrom", "caFile"]

    /// A `Fleet`: its nodes in order (unique names, unique admin addresses, each an http or https URL),
    /// the token they present to each other (a reference, never the value) and an optional CA bundle.
    mutating func decodeFleet(_ document: ManifestDocument) -> Fleet? {
        guard let spec = fields(document.spec, "spec", allowed: Self.fleetFields + ["token"]) else { return nil }
        if let literal = spec["token"] {
            error(literal, spec.path("token"), "a fleet token written in the manifest (not shown)",
                  allowed: "secrets are never written in manifests: use tokenFrom: env:NAME or file:/path")
        }
        var nodes: [Fleet.Node]? = nil
        if let node = required(spec, "nodes", "a list of the fleet's nodes, each {name, admin}"),
           let items = list(node, spec.path("nodes"), "a list of the fleet's nodes, each {name, admin}") {
            if items.isEmpty { error(node, spec.path("nodes"), "no nodes", allowed: "list at least this node") }
            var names: [String: Int] = [:]
            var addresses: [String: Int] = [:]
            var decoded: [Fleet.Node] = []
            for (index, item) in items.enumerated() {
                let path = itemPath(spec.path("nodes"), index)
                guard let fields = fields(item, path, allowed: ["name", "admin"]) else { continue }
                let name = required(fields, "name", "the node's name, as `controller --node` gives it").flatMap { node -> String? in
                    guard let text = text(node, fields.path("name"), "a node name") else { return nil }
                    guard isResourceName(text) else {
                        error(node, fields.path("name"), "invalid node name \"\(text)\"",
                              allowed: "expected 1 to 63 letters, digits, \"-\", \"_\" or \".\", starting with a letter or digit")
                        return nil
                    }
                    if let first = names[text] {
                        error(node, fields.path("name"), "node \"\(text)\" is listed twice", allowed: "each node once; the first is nodes[\(first)]")
                        return nil
                    }
                    names[text] = index
                    return text
                }
                let admin = required(fields, "admin", "the node's admin API URL, such as https://fra.dns.example.net:8053")
                    .flatMap { node -> String? in
                        guard let text = text(node, fields.path("admin"), "an http:// or https:// URL") else { return nil }
                        guard let address = Self.adminAddress(text) else {
                            error(node, fields.path("admin"), "invalid admin URL \"\(text)\"",
                                  allowed: "expected http://HOST:PORT or https://HOST:PORT, with no path")
                            return nil
                        }
                        if let first = addresses[address] {
                            error(node, fields.path("admin"), "\(address) is already the address of nodes[\(first)]",
                                  allowed: "each node has an admin address of its own")
                            return nil
                        }
                        addresses[address] = index
                        return text.hasSuffix("/") ? String(text.dropLast()) : text
                    }
                if let name, let admin { decoded.append(Fleet.Node(name: name, admin: admin)) }
            }
            nodes = decoded.count == items.count && !items.isEmpty ? decoded : nil
        }
        let token = required(spec, "tokenFrom", "env:NAME or file:/path: the token the nodes present to each other")
            .flatMap { secret($0, spec.path("tokenFrom")) }
        let caFile = spec["caFile"].flatMap { text($0, spec.path("caFile"), "the path of a PEM file") }
        guard let nodes, let token, !diagnostics.hasErrors else { return nil }
        return Fleet(name: document.name, nodes: nodes, token: token, caFile: caFile)
    }

    /// `host:port` of an `http://` or `https://` URL with no path (the port defaulting by scheme, the
    /// host lowercased), or nil when it is not one.
    static func adminAddress(_ url: String) -> String? {
        let scheme: String
        if url.hasPrefix("http://") { scheme = "http" } else if url.hasPrefix("https://") { scheme = "https" } else { return nil }
        var rest = Substring(url.dropFirst(scheme.count + 3))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@"), !rest.contains(where: \.isWhitespace) else { return nil }
        var host = rest
        var port = scheme == "https" ? 443 : 80
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[...close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()), (1...65535).contains(value) else { return nil }
                port = value
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let value = Int(rest[rest.index(after: colon)...]), (1...65535).contains(value) else { return nil }
            port = value
        }
        guard !host.isEmpty else { return nil }
        return "\(host.lowercased()):\(port)"
    }
}
