/// A line and column in a file, 1-based; with the file's path it makes a `SourceLocation`.
public struct SourcePosition: Hashable, Sendable {
    public var line: Int32
    public var column: Int32

    public init(line: Int32, column: Int32) {
        self.line = line
        self.column = column
    }
}

/// A YAML node as written: scalars keep their exact text, mappings their key order, and every node its
/// position, so any later error can say where.
///
/// A small struct without the file's path: a tree of a million nodes is built, walked and freed for one
/// validation, and per-node heap objects or path references made freeing alone cost a fifth of the time.
public struct YAMLNode: Sendable {
    public enum ScalarStyle: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public let content: Content
    /// An explicit tag such as `!!str`, or nil.
    public let tag: String?
    public let position: SourcePosition
    /// Nodes in this subtree, counting each alias as the nodes it stands for. Used to bound alias
    /// expansion without walking shared subtrees.
    public let expandedCount: Int

    public init(_ content: Content, tag: String? = nil, position: SourcePosition) {
        self.content = content
        self.tag = tag
        self.position = position
        switch content {
        case .scalar: expandedCount = 1
        case .sequence(let items): expandedCount = items.reduce(1) { $0 + $1.expandedCount }
        case .mapping(let pairs): expandedCount = pairs.reduce(1) { $0 + $1.key.expandedCount + $1.value.expandedCount }
        }
    }

    /// The same subtree placed elsewhere: what an alias becomes, positioned where the alias is written.
    public init(copying node: YAMLNode, at position: SourcePosition) {
        content = node.content
        tag = node.tag
        self.position = position
        expandedCount = node.expandedCount
    }

    /// Where the node is, in `file`.
    public func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: Int(position.line), column: Int(position.column))
    }

    /// The text of a scalar, or nil for a sequence or mapping.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// True for YAML's null: a plain `~`, `null` (any common case) or an empty plain scalar.
    public var isNull: Bool {
        guard case .scalar(let text, .plain) = content, tag == nil else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// What the node is, for messages: "a mapping", "a list", "the text \"x\"".
    public var kindDescription: String {
        switch content {
        case .scalar(let text, _): isNull ? "empty" : "\"\(text)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// One key and value of a mapping; keys are scalars.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public var keyText: String { key.scalarText ?? "" }
}
