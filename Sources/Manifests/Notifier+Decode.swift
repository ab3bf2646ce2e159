import Model

extension DocumentDecoder {
    /// Fields that would hold a secret itself; refused with a pointer to their `…From` form.
    private static let literalSecretFields = ["password": "passwordFrom", "username": "usernameFrom", "secret": "secretFrom"]
    /// Request headers that carry credentials, which belong in the controller's environment, not in git.
    private static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "x-api-key"]

    mutating func decodeNotifier(_ document: ManifestDocument) -> Notifier? {
        guard let spec = fields(document.spec, "spec", allowed: ["events", "email", "webhook"]) else { return nil }
        var events: Set<Notifier.Event>? = Set(Notifier.Event.allCases)
        if let node = spec["events"], let items = list(node, spec.path("events"), "event names") {
            let decoded = items.enumerated().map { choice($1, itemPath(spec.path("events"), $0), "event", Notifier.Event.self) }
            events = decoded.contains { $0 == nil } ? nil : Set(decoded.compactMap { $0 })
            if items.isEmpty {
                error(node, spec.path("events"), "no events", allowed: "list at least one of \(quotedList(Notifier.Event.allCases.map(\.rawValue)))")
                events = nil
            }
        }
        let email = spec["email"].map { decodeEmail($0, spec.path("email")) }
        let webhook = spec["webhook"].map { decodeWebhook($0, spec.path("webhook")) }
        if email == nil && webhook == nil {
            error(at: location(spec.position), spec.path, "no channel", allowed: "a Notifier needs email, webhook or both")
            return nil
        }
        guard let events, email.map({ $0 != nil }) ?? true, webhook.map({ $0 != nil }) ?? true else { return nil }
        return Notifier(name: document.name, events: events, email: email ?? nil, webhook: webhook ?? nil)
    }

    private mutating func rejectLiteralSecrets(_ fields: Fields) -> Bool {
        var found = false
        for (literal, reference) in Self.literalSecretFields.sorted(by: { $0.key < $1.key }) where fields.has(literal) {
            error(fields[literal]!, fields.path(literal), "a literal \(literal) (not shown)",
                  allowed: "secrets are never written in manifests: use \(reference): env:NAME or file:/path")
            found = true
        }
        return found
    }

    private mutating func decodeEmail(_ node: YAMLNode, _ path: String) -> Notifier.Email? {
        guard let email = fields(node, path, allowed: ["url", "starttls", "from", "to", "usernameFrom", "passwordFrom", "password", "username", "caFile"])
        else { return nil }
        let hasLiteral = rejectLiteralSecrets(email)
        let url = required(email, "url", "smtp://host:port or smtps://host:port").flatMap {
            decodeURL($0, email.path("url"), schemes: ["smtp", "smtps"], example: "smtp://mail.example.com:587")
        }
        let startTLS = email["starttls"].map { choice($0, email.path("starttls"), "starttls", Notifier.StartTLS.self) }
            ?? (url?.hasPrefix("smtps:") == true ? Notifier.StartTLS.none : .optional)
        if let url, url.hasPrefix("smtps:"), let startTLS, startTLS != .none, let node = email["starttls"] {
            error(node, email.path("starttls"), "starttls \(startTLS.rawValue) with smtps://",
                  allowed: "smtps:// is TLS from the first byte; use starttls: none, or smtp:// with STARTTLS")
        }
        let from = required(email, "from", "the sender address").flatMap { address($0, email.path("from")) }
        var to: [String]? = nil
        if let node = required(email, "to", "a list of recipient addresses"), let items = list(node, email.path("to"), "addresses") {
            let decoded = items.enumerated().map { address($1, itemPath(email.path("to"), $0)) }
            to = decoded.contains { $0 == nil } ? nil : decoded.compactMap { $0 }
            if items.isEmpty {
                error(node, email.path("to"), "no recipients", allowed: "expected at least one address")
                to = nil
            }
        }
        let username = email["usernameFrom"].map { secret($0, email.path("usernameFrom")) }
        let password = email["passwordFrom"].map { secret($0, email.path("passwordFrom")) }
        guard !hasLiteral, let url, let startTLS, let from, let to, username.map({ $0 != nil }) ?? true,
              password.map({ $0 != nil }) ?? true else { return nil }
        let caFile = email["caFile"].flatMap { text($0, email.path("caFile"), "the path of a PEM file") }
        return Notifier.Email(url: url, startTLS: startTLS, from: from, to: to, username: username ?? nil, password: password ?? nil,
                              caFile: caFile)
    }

    private mutating func decodeWebhook(_ node: YAMLNode, _ path: String) -> Notifier.Webhook? {
        guard let webhook = fields(node, path, allowed: ["url", "secretFrom", "headers", "secret", "caFile"]) else { return nil }
        let hasLiteral = rejectLiteralSecrets(webhook)
        let url = required(webhook, "url", "an http:// or https:// URL").flatMap {
            decodeURL($0, webhook.path("url"), schemes: ["http", "https"], example: "https://hooks.example.com/dns")
        }
        let secret = webhook["secretFrom"].map { self.secret($0, webhook.path("secretFrom")) }
        var headers: [Notifier.Header]? = []
        if let node = webhook["headers"] {
            if case .mapping(let pairs) = node.content {
                for pair in pairs {
                    let headerPath = "\(webhook.path("headers")).\(pair.keyText)"
                    let validName = !pair.keyText.isEmpty && pair.keyText.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                    if !validName {
                        error(pair.key, headerPath, "invalid header name \"\(pair.keyText)\"", allowed: "expected letters, digits and \"-\"")
                        headers = nil
                    } else if Self.credentialHeaders.contains(pair.keyText.lowercased()) {
                        error(pair.key, headerPath, "a credential in header \"\(pair.keyText)\" (value not shown)",
                              allowed: "secrets are never written in manifests: receivers verify the HMAC signature from secretFrom")
                        headers = nil
                    } else if let value = text(pair.value, headerPath, "the header's value") {
                        headers?.append(Notifier.Header(name: pair.keyText, value: value))
                    } else {
                        headers = nil
                    }
                }
            } else {
                error(node, webhook.path("headers"), "found \(node.kindDescription)", allowed: "expected a mapping of header names to values")
                headers = nil
            }
        }
        let caFile = webhook["caFile"].flatMap { text($0, webhook.path("caFile"), "the path of a PEM file") }
        guard !hasLiteral, let url, secret.map({ $0 != nil }) ?? true, let headers else { return nil }
        return Notifier.Webhook(url: url, secret: secret ?? nil, headers: headers, caFile: caFile)
    }

    /// A URL with one of `schemes` and a host.
    private mutating func decodeURL(_ node: YAMLNode, _ path: String, schemes: [String], example: String) -> String? {
        guard let text = text(node, path, "a URL such as \(example)") else { return nil }
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        let host = parts.count == 2 ? parts[1].prefix { $0 != "/" && $0 != "?" } : ""
        guard parts.count == 2, schemes.contains(String(parts[0])), !host.isEmpty, !host.contains("@"),
              !text.contains(where: { $0.isWhitespace }) else {
            let credentials = host.contains("@") ? "; credentials in a URL are secrets and not allowed here" : ""
            error(node, path, "invalid URL\(credentials.isEmpty ? " \"\(text)\"" : " (not shown)")",
                  allowed: "expected \(schemes.map { "\($0)://" }.joined(separator: " or ")) and a host, such as \(example)\(credentials)")
            return nil
        }
        return text
    }

    private mutating func address(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = text(node, path, "an email address such as dns@example.com") else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
        else {
            error(node, path, "invalid email address \"\(text)\"", allowed: "expected an address such as dns@example.com")
            return nil
        }
        return text
    }
}
