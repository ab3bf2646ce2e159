/// A DNS message (RFC 1035 §4): header, four sections, and the EDNS OPT record apart from them.
public struct Message: Hashable, Sendable {
    public var header: Header
    /// The full 12-bit response code; its upper 8 bits go in the OPT record (RFC 6891 §6.1.3).
    public var rcode: RCode
    public var questions: [Question]
    public var answers: [ResourceRecord]
    public var authority: [ResourceRecord]
    /// The additional section without the OPT record, which is `edns`.
    public var additional: [ResourceRecord]
    public var edns: EDNS?

    public init(header: Header = Header(), rcode: RCode = .noError, questions: [Question] = [],
                answers: [ResourceRecord] = [], authority: [ResourceRecord] = [],
                additional: [ResourceRecord] = [], edns: EDNS? = nil) {
        self.header = header
        self.rcode = rcode
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }

    /// A standard query for one name and type.
    public static func query(_ name: Name, _ type: RRType, id: UInt16 = 0, recursionDesired: Bool = false,
                             edns: EDNS? = EDNS()) -> Message {
        Message(header: Header(id: id, isRecursionDesired: recursionDesired),
                questions: [Question(name: name, type: type)], edns: edns)
    }

    /// The skeleton of a response to this message: same id, opcode, question, RD and CD (RFC 1035 §4.1.1,
    /// RFC 4035 §3.2.2), QR set and everything else empty. EDNS is left for the responder to decide.
    public func makeResponse(rcode: RCode = .noError) -> Message {
        Message(header: Header(id: header.id, isResponse: true, opcode: header.opcode,
                               isRecursionDesired: header.isRecursionDesired,
                               isCheckingDisabled: header.isCheckingDisabled),
                rcode: rcode, questions: questions)
    }
}
