extension Message: CustomStringConvertible {
    /// The message as `dig` prints it: header line, flags, OPT pseudo-section and the four sections.
    public var description: String {
        var lines: [String] = []
        lines.append(";; ->>HEADER<<- opcode: \(header.opcode), status: \(rcode), id: \(header.id)")
        var flags: [String] = []
        if header.isResponse { flags.append("qr") }
        if header.isAuthoritative { flags.append("aa") }
        if header.isTruncated { flags.append("tc") }
        if header.isRecursionDesired { flags.append("rd") }
        if header.isRecursionAvailable { flags.append("ra") }
        if header.isAuthenticData { flags.append("ad") }
        if header.isCheckingDisabled { flags.append("cd") }
        lines.append(";; flags: \(flags.joined(separator: " ")); QUERY: \(questions.count), ANSWER: \(answers.count), "
                     + "AUTHORITY: \(authority.count), ADDITIONAL: \(additional.count + (edns == nil ? 0 : 1))")
        if let edns {
            lines.append("")
            lines.append(";; OPT PSEUDOSECTION:")
            lines.append("; EDNS: version: \(edns.version), flags:\(edns.isDNSSECOK ? " do" : ""); udp: \(edns.udpPayloadSize)")
            for option in edns.options {
                if option.code == .clientSubnet, let subnet = try? ClientSubnet(option: option) {
                    lines.append("; CLIENT-SUBNET: \(subnet)")
                } else {
                    lines.append("; \(option.code): " + option.data.map { hexByte($0) }.joined())
                }
            }
        }
        lines.append("")
        lines.append(";; QUESTION SECTION:")
        lines.append(contentsOf: questions.map(\.description))
        for (title, records) in [("ANSWER", answers), ("AUTHORITY", authority), ("ADDITIONAL", additional)]
        where !records.isEmpty {
            lines.append("")
            lines.append(";; \(title) SECTION:")
            lines.append(contentsOf: records.map(\.description))
        }
        return lines.joined(separator: "\n")
    }
}
