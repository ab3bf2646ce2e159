/// One entry of the question section.
public struct Question: Hashable, Sendable, CustomStringConvertible {
    public var name: Name
    public var type: RRType
    public var rrClass: RRClass

    public init(name: Name, type: RRType, rrClass: RRClass = .internet) {
        self.name = name
        self.type = type
        self.rrClass = rrClass
    }

    /// `;www.example.com.	IN	A`, as `dig` shows it.
    public var description: String { ";\(name)\t\(rrClass)\t\(type)" }
}
