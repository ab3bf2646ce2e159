import CYAML

/// Reads YAML text into node trees through libyaml's event parser.
///
/// Beyond YAML itself: duplicate keys are errors, keys must be scalars, and aliases may add at most
/// `maxAliasExpansion` nodes to a document, so a "billion laughs" file is refused after a few hundred
/// events instead of exhausting memory downstream. Empty documents are skipped.
public enum YAMLLoader {
    public static let maxAliasExpansion = 1_000_000

    /// The documents of one file, in order, and any problems found. After a syntax error the rest of
    /// the file is not read (libyaml cannot resume), but the documents before it are returned.
    public static func documents(in text: String, file: String) -> (documents: [YAMLNode], diagnostics: [Diagnostic]) {
        documents(in: Array(text.utf8), file: file)
    }

    /// The same for the raw bytes of a file (UTF-8, or UTF-16 with a byte order mark, as libyaml reads).
    public static func documents(in bytes: [UInt8], file: String) -> (documents: [YAMLNode], diagnostics: [Diagnostic]) {
        var builder = TreeBuilder(file: file)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return ([], [Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: 1),
                                    "could not start the YAML parser (out of memory)")])
        }
        defer { yaml_parser_delete(&parser) }
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    builder.syntaxError(parser)
                    return
                }
                let keepGoing = builder.handle(&event)
                yaml_event_delete(&event)
                if !keepGoing { return }
            }
        }
        return (builder.documents, builder.diagnostics)
    }
}

/// Turns the event stream into nodes with a stack of open collections.
private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var anchor: String?
        var tag: String?
        var position: SourcePosition
    }

    let file: String
    var documents: [YAMLNode] = []
    var diagnostics: [Diagnostic] = []
    var stack: [Frame] = []
    var anchors: [String: YAMLNode] = [:]
    var expansion = 0

    init(file: String) {
        self.file = file
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: Int32(clamping: mark.line + 1), column: Int32(clamping: mark.column + 1))
    }

    /// Returns false to stop reading the file.
    mutating func handle(_ event: inout yaml_event_t) -> Bool {
        let at = position(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors.removeAll(keepingCapacity: true)
            expansion = 0
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
            let style: YAMLNode.ScalarStyle = switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
            add(YAMLNode(.scalar(text, style), tag: string(scalar.tag), position: at), anchor: string(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT:
            stack.append(Frame(isMapping: false, anchor: string(event.data.sequence_start.anchor),
                               tag: string(event.data.sequence_start.tag), position: at))
        case YAML_MAPPING_START_EVENT:
            stack.append(Frame(isMapping: true, anchor: string(event.data.mapping_start.anchor),
                               tag: string(event.data.mapping_start.tag), position: at))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = stack.removeLast()
            let node = frame.isMapping ? mapping(frame) : YAMLNode(.sequence(frame.items), tag: frame.tag, position: frame.position)
            add(node, anchor: frame.anchor)
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                diagnostics.append(Diagnostic(.error, at: location(event.start_mark), "alias \"*\(name)\" refers to no anchor defined before it",
                                              allowed: "define \"&\(name)\" earlier in the same document"))
                return false
            }
            expansion += target.expandedCount
            guard expansion <= YAMLLoader.maxAliasExpansion else {
                diagnostics.append(Diagnostic(.error, at: location(event.start_mark),
                    "aliases in this document expand to more than \(YAMLLoader.maxAliasExpansion) nodes",
                    allowed: "use fewer or smaller aliases (this protects against \"billion laughs\" files)"))
                return false
            }
            add(YAMLNode(copying: target, at: at), anchor: nil)
        case YAML_STREAM_END_EVENT:
            return false
        default:
            break
        }
        return true
    }

    mutating func add(_ node: YAMLNode, anchor: String?) {
        if let anchor { anchors[anchor] = node }
        if stack.isEmpty {
            if !node.isNull { documents.append(node) }
        } else {
            stack[stack.count - 1].items.append(node)
        }
    }

    /// Pairs up a mapping's items, refusing non-scalar and duplicate keys.
    mutating func mapping(_ frame: Frame) -> YAMLNode {
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity(frame.items.count / 2)
        // Most mappings have a handful of keys: a linear scan beats building a dictionary for each.
        let useIndex = frame.items.count > 32
        var seen: [String: SourcePosition] = [:]
        var index = 0
        while index + 1 < frame.items.count {
            let key = frame.items[index]
            let value = frame.items[index + 1]
            index += 2
            guard let text = key.scalarText else {
                diagnostics.append(Diagnostic(.error, at: key.location(in: file), "a mapping key is \(key.kindDescription)",
                                              allowed: "keys are plain text"))
                continue
            }
            let first = useIndex ? seen[text] : pairs.first { $0.keyText == text }?.key.position
            if let first {
                diagnostics.append(Diagnostic(.error, at: key.location(in: file), "duplicate key \"\(text)\"",
                                              allowed: "each key appears once in a mapping; the first is at \(file):\(first.line):\(first.column)"))
                continue
            }
            if useIndex { seen[text] = key.position }
            pairs.append(YAMLPair(key: key, value: value))
        }
        return YAMLNode(.mapping(pairs), tag: frame.tag, position: frame.position)
    }

    mutating func syntaxError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        var message = "YAML syntax error: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) {
            message += " (\(context) at \(location(parser.context_mark)))"
        }
        diagnostics.append(Diagnostic(.error, at: location(parser.problem_mark), message,
                                      allowed: "the file must be valid YAML"))
    }

    func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
