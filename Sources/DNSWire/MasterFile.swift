/// A zone file in master format (RFC 1035 §5.1) read into records, each with where it was written.
///
/// Directives: `$ORIGIN` (relative to the current origin), `$TTL` (RFC 2308, BIND's units allowed),
/// `$INCLUDE file [origin]` (the origin reverts after it). An entry is `[owner] [ttl] [class] type
/// rdata`, TTL and class in either order; an owner left out (the line starts with a blank) is the
/// previous one, `@` is the origin, and a name without a final dot is relative to it. A TTL left out is
/// `$TTL`, else the last one written. Parentheses join lines, `;` comments to the end of the line, and
/// quoted strings keep their blanks and escapes. Only class IN is read. Record data is read by
/// `RData(type:presentation:origin:)`: the types DNSWire knows in their own form, any type as `\#`.
public enum MasterFile {
    /// One record and where its entry begins.
    public struct Entry: Sendable {
        public var record: ResourceRecord
        public var file: String
        public var line: Int

        public init(record: ResourceRecord, file: String, line: Int) {
            self.record = record
            self.file = file
            self.line = line
        }
    }

    /// What is wrong, and where (`file:line:column: message`).
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String

        public var description: String { "\(file):\(line):\(column): \(message)" }
    }

    /// How deep `$INCLUDE` may nest: a file that includes itself stops here.
    static let includeDepth = 16

    /// Reads `text` (the contents of `file`) with `origin` as the initial origin. `include` is given the
    /// path an `$INCLUDE` names and the including file's path, and returns the included file's path and
    /// contents, or throws a message saying why it cannot.
    public static func read(_ text: String, file: String, origin: Name,
                            include: (_ path: String, _ from: String) throws -> (file: String, text: String)) throws(Problem) -> [Entry] {
        var state = State(origin: origin)
        var entries: [Entry] = []
        try read(text, file: file, state: &state, depth: 0, include: include, into: &entries)
        return entries
    }

    private struct State {
        var origin: Name
        var defaultTTL: UInt32? = nil
        var lastTTL: UInt32? = nil
        var lastOwner: Name? = nil
    }

    private static func read(_ text: String, file: String, state: inout State, depth: Int,
                             include: (String, String) throws -> (file: String, text: String), into entries: inout [Entry]) throws(Problem) {
        var scanner = Scanner(bytes: Array(text.utf8), file: file)
        while let line = try scanner.nextEntry() {
            guard let first = line.tokens.first else { continue }
            func problem(_ token: Token, _ message: String) -> Problem {
                Problem(file: file, line: token.line, column: token.column, message: message)
            }
            if !first.isQuoted, first.text.hasPrefix("$"), !line.startsBlank {
                switch first.text.uppercased() {
                case "$ORIGIN":
                    guard line.tokens.count == 2 else { throw problem(first, "$ORIGIN takes one domain name") }
                    do { state.origin = try Name(line.tokens[1].text, origin: state.origin) } catch {
                        throw problem(line.tokens[1], "invalid $ORIGIN: \(error.message)")
                    }
                case "$TTL":
                    guard line.tokens.count == 2, let ttl = parseTimeValue(line.tokens[1].text) else {
                        throw problem(first, "$TTL takes one time, such as 3600 or 1h")
                    }
                    state.defaultTTL = ttl
                case "$INCLUDE":
                    guard (2...3).contains(line.tokens.count) else { throw problem(first, "$INCLUDE takes a file name and, optionally, an origin") }
                    guard depth < includeDepth else { throw problem(first, "$INCLUDE nested more than \(includeDepth) deep; does a file include itself?") }
                    let included: (file: String, text: String)
                    do { included = try include(line.tokens[1].text, file) } catch {
                        throw problem(line.tokens[1], "cannot include \(line.tokens[1].text): \(error)")
                    }
                    var inner = state
                    if line.tokens.count == 3 {
                        do { inner.origin = try Name(line.tokens[2].text, origin: state.origin) } catch {
                            throw problem(line.tokens[2], "invalid $INCLUDE origin: \(error.message)")
                        }
                    }
                    try read(included.text, file: included.file, state: &inner, depth: depth + 1, include: include, into: &entries)
                    // RFC 1035 §5.1: the origin (and owner) are the including file's again after it.
                    state.defaultTTL = inner.defaultTTL
                    state.lastTTL = inner.lastTTL
                default:
                    throw problem(first, "unsupported directive \(first.text); expected $ORIGIN, $TTL or $INCLUDE")
                }
                continue
            }
            entries.append(Entry(record: try record(line, state: &state, problem: problem), file: file, line: first.line))
        }
    }

    private static func record(_ line: Scanner.Line, state: inout State, problem: (Token, String) -> Problem) throws(Problem) -> ResourceRecord {
        var tokens = line.tokens[...]
        let owner: Name
        if line.startsBlank {
            guard let last = state.lastOwner else { throw problem(tokens.first!, "no owner name, and no record before this one to take it from") }
            owner = last
        } else {
            let token = tokens.removeFirst()
            do { owner = token.text == "@" ? state.origin : try Name(token.text, origin: state.origin) } catch {
                throw problem(token, "invalid owner name: \(error.message)")
            }
        }
        var ttl: UInt32? = nil
        var sawClass = false
        // TTL and class, in either order, before the type.
        while let token = tokens.first, !token.isQuoted {
            if ttl == nil, let value = parseTimeValue(token.text), token.text.first?.isNumber == true {
                ttl = value
            } else if !sawClass, let rrClass = RRClass(mnemonic: token.text) {
                guard rrClass == .internet else { throw problem(token, "class \(token.text): only IN records are read") }
                sawClass = true
            } else {
                break
            }
            tokens.removeFirst()
        }
        guard let typeToken = tokens.first else { throw problem(line.tokens.last!, "no record type; expected one such as A, MX or TXT") }
        tokens.removeFirst()
        guard !typeToken.isQuoted, let type = RRType(mnemonic: typeToken.text) else {
            throw problem(typeToken, "unknown record type \(typeToken.text); expected a mnemonic such as A or MX, or TYPE<number>")
        }
        guard let resolvedTTL = ttl ?? state.defaultTTL ?? state.lastTTL else {
            throw problem(typeToken, "no TTL: write one on the record or a $TTL line before it")
        }
        guard let firstData = tokens.first else { throw problem(typeToken, "\(type) record without data") }
        let rdataText = tokens.map { $0.isQuoted ? "\"\($0.text)\"" : $0.text }.joined(separator: " ")
        let data: RData
        do { data = try RData(type: type, presentation: rdataText, origin: state.origin) } catch {
            throw problem(firstData, error.message)
        }
        state.lastOwner = owner
        if ttl != nil { state.lastTTL = ttl }
        return ResourceRecord(name: owner, ttl: resolvedTTL, data: data)
    }

    /// One field and where it starts (1-based).
    struct Token {
        var text: String
        var isQuoted: Bool
        var line: Int
        var column: Int
    }

    /// Splits master-file text into entries: lines, joined while a parenthesis is open.
    struct Scanner {
        struct Line {
            var tokens: [Token]
            /// The entry's first line begins with a blank: its owner is the previous one.
            var startsBlank: Bool
        }

        let bytes: [UInt8]
        let file: String
        var index = 0
        var line = 1
        var lineStart = 0

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        private var column: Int { index - lineStart + 1 }

        private func problem(_ message: String, line: Int, column: Int) -> Problem {
            Problem(file: file, line: line, column: column, message: message)
        }

        mutating func nextEntry() throws(Problem) -> Line? {
            while index < bytes.count {
                let startsBlank = bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")
                var tokens: [Token] = []
                var depth = 0
                var openedAt = (line: 0, column: 0)
                entry: while index < bytes.count {
                    let byte = bytes[index]
                    switch byte {
                    case UInt8(ascii: "\n"):
                        index += 1
                        line += 1
                        lineStart = index
                        if depth == 0 { break entry }
                    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                        index += 1
                    case UInt8(ascii: "("):
                        if depth == 0 { openedAt = (line, column) }
                        depth += 1
                        index += 1
                    case UInt8(ascii: ")"):
                        guard depth > 0 else { throw problem("\")\" without \"(\"", line: line, column: column) }
                        depth -= 1
                        index += 1
                    case UInt8(ascii: ";"):
                        while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
                    case UInt8(ascii: "\""):
                        let start = (line, column)
                        index += 1
                        var raw: [UInt8] = []
                        var closed = false
                        while index < bytes.count {
                            let inner = bytes[index]
                            if inner == UInt8(ascii: "\"") {
                                closed = true
                                index += 1
                                break
                            }
                            if inner == UInt8(ascii: "\n") {
                                line += 1
                                lineStart = index + 1
                            }
                            raw.append(inner)
                            if inner == UInt8(ascii: "\\") && index + 1 < bytes.count {
                                raw.append(bytes[index + 1])
                                index += 1
                            }
                            index += 1
                        }
                        guard closed else { throw problem("unterminated quoted string; close it with \"", line: start.0, column: start.1) }
                        tokens.append(Token(text: String(decoding: raw, as: UTF8.self), isQuoted: true, line: start.0, column: start.1))
                    default:
                        let start = (line, column)
                        let raw = scanBareField(bytes, from: &index)
                        tokens.append(Token(text: String(decoding: raw, as: UTF8.self), isQuoted: false, line: start.0, column: start.1))
                    }
                }
                guard depth == 0 else { throw problem("\"(\" not closed", line: openedAt.line, column: openedAt.column) }
                if !tokens.isEmpty { return Line(tokens: tokens, startsBlank: startsBlank) }
            }
            return nil
        }
    }
}
