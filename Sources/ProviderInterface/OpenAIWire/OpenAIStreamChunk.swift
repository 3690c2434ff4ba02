/// One `chat.completion.chunk` of an OpenAI-shaped stream as the provider sent it, with what
/// the broker reads from it: `usage`, each choice's index and finish reason, whether it
/// carries output, and the size of that output.
///
/// A chunk of the usual shape is read in one pass over its bytes, without building values
/// (``init(json:)``), and written back by copying every member the broker does not own
/// (``write(to:id:model:createdSeconds:)``): a streamed chat passes through without a tree or
/// a ``OpenAICompletion`` per chunk. A chunk of any other shape (a content array, an `error`
/// member, a member of an unexpected type, escaped member names) is read whole into an
/// ``OpenAICompletion`` and written from it, as before. ``completion`` gives the parsed
/// values either way, for the callers that fold chunks into an answer.
public struct OpenAIStreamChunk: Sendable, Hashable {
    /// One element of `choices`, as far as the broker reads it.
    public struct Choice: Sendable, Hashable {
        /// `index`.
        public var index: Int
        /// `finish_reason`; `nil` when absent or `null`.
        public var finishReason: String?
    }

    /// The chunk's JSON text as sent (empty when it was made from values).
    private let json: String
    /// The byte ranges in ``json`` of the top-level members written back as sent (all but
    /// `id`, `object`, `created`, `model` and `usage`), each from its name to its value's end.
    private let passedMembers: [Range<Int>]
    /// The chunk's values, when it was read whole (or made from them).
    private let parsed: OpenAICompletion?
    /// `created`, as sent.
    private let created: Int64?

    /// `usage`; `nil` when absent or `null`.
    public let usage: OpenAIUsage?
    /// `choices`: index and finish reason of each, in order.
    public let choices: [Choice]
    /// Whether some choice's delta carries anything a client would show or act on (text, a
    /// tool call, a refusal, reasoning), as ``OpenAIMessage/hasOutput`` says.
    public let hasOutput: Bool
    /// The UTF-8 length of the output the chunk carries (``OpenAICompletion/outputUTF8Count``).
    public let outputUTF8Count: Int
    /// Whether the chunk says nothing but `usage` (no choices, no member of its own): a
    /// pass-through holds it back, since usage comes last.
    public let carriesOnlyUsage: Bool

    /// A chunk made from its values (a whole answer replayed as a chunk, a test's chunk).
    public init(_ completion: OpenAICompletion) {
        json = ""
        passedMembers = []
        parsed = completion
        created = completion.created
        usage = completion.usage
        choices = completion.choices.map { Choice(index: $0.index, finishReason: $0.finishReason) }
        hasOutput = completion.choices.contains { $0.message?.hasOutput == true }
        outputUTF8Count = completion.outputUTF8Count
        carriesOnlyUsage =
            completion.choices.isEmpty && completion.extra.count == 0 && completion.systemFingerprint == nil
    }

    /// Reads a chunk of the usual shape from its JSON text; `nil` for anything else — JSON or
    /// not — which ``OpenAICompletion/init(parsing:chunk:)`` reads instead.
    public init?(json: String) {
        var text = json
        let read = text.withUTF8 { buffer -> Reading? in
            var reading = Reading()
            var reader = JSONParser.Reader(buffer: buffer)
            do throws(JSONParseError) {
                guard try reading.chunk(&reader) else { return nil }
            } catch {
                return nil
            }
            return reading
        }
        guard let read else { return nil }
        self.json = text
        passedMembers = read.passedMembers
        parsed = nil
        created = read.created
        usage = read.usage
        choices = read.choices
        hasOutput = read.hasOutput
        outputUTF8Count = read.outputUTF8Count
        carriesOnlyUsage = read.choices.isEmpty && !read.hasOwnMembers
    }

    /// The chunk's values (read from its text when it was read in one pass).
    public var completion: OpenAICompletion {
        if let parsed { return parsed }
        let value = (try? JSONParser.parse(json)) ?? .object(JSONObject())
        return OpenAICompletion(parsing: value, chunk: true) ?? OpenAICompletion(isChunk: true)
    }

    /// The text of the first choice.
    public var text: String { completion.text }

    /// The finish reason of the first choice (index 0, else the first).
    public var finishReason: String? {
        choices.first { $0.index == 0 }?.finishReason ?? choices.first?.finishReason
    }

    /// Writes the chunk as the broker passes it on: `id` and `model` replaced, `object`
    /// `chat.completion.chunk`, `created` as sent (else `createdSeconds`), `usage` left out, and
    /// every other member as the provider sent it, in its order.
    public func write(to out: inout JSONOutput, id: String, model: String, createdSeconds: Int64) {
        if var chunk = parsed {
            chunk.id = id
            chunk.model = model
            chunk.object = OpenAICompletion.chunkObject
            if chunk.created == nil { chunk.created = createdSeconds }
            chunk.write(to: &out, omitUsage: true)
            return
        }
        out.beginObject()
        out.member("id", id)
        out.member("object", OpenAICompletion.chunkObject)
        out.member("created", integer: created ?? createdSeconds)
        out.member("model", model)
        var text = json
        text.withUTF8 { buffer in
            for range in passedMembers { out.rawMember(UnsafeBufferPointer(rebasing: buffer[range])) }
        }
        out.endObject()
    }

    /// Two chunks are equal when they say the same: their values, however each was read.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.completion == rhs.completion }

    /// Hashes the chunk's values (see ``==(_:_:)``).
    public func hash(into hasher: inout Hasher) { hasher.combine(completion) }
}

extension OpenAIStreamChunk {
    /// What one pass over a chunk's bytes found. Each reader returns false for a shape it
    /// leaves to the whole parse (a member of a type other than the one expected, which
    /// ``OpenAICompletion`` would keep among its extra members, or a name it cannot compare).
    fileprivate struct Reading {
        var passedMembers: [Range<Int>] = []
        var created: Int64?
        var usage: OpenAIUsage?
        var choices: [Choice] = []
        var hasOutput = false
        var outputUTF8Count = 0
        /// A member besides `id`, `object`, `created`, `model`, `choices` and `usage`.
        var hasOwnMembers = false

        /// The chunk: an object whose members are read by name.
        mutating func chunk(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Bool {
            r.skipSpace()
            var seen: UInt32 = 0
            let whole = try Self.members(&r) { r, name, start throws(JSONParseError) -> Bool in
                if let name {
                    guard Self.firstTime(name, &seen) else { return false }
                }
                switch name {
                case .id?, .object?, .model?:
                    guard try Self.skipStringOrNull(&r) else { return false }
                case .created?:
                    guard let value = try Self.integer(&r) else { return false }
                    created = Int64(value)
                case .usage?:
                    let valueStart = r.index
                    try r.skipValue(depth: 1)
                    let value = try JSONParser.parse(UnsafeBufferPointer(rebasing: r.buffer[valueStart..<r.index]))
                    guard value.objectValue != nil || value.isNull else { return false }
                    usage = OpenAIUsage(parsing: value)
                case .choices?:
                    guard try choiceList(&r) else { return false }
                    passedMembers.append(start..<r.index)
                case .error?:
                    return false
                default:
                    try r.skipValue(depth: 1)
                    hasOwnMembers = true
                    passedMembers.append(start..<r.index)
                }
                return true
            }
            guard whole else { return false }
            r.skipSpace()
            return r.index == r.buffer.count
        }

        mutating func choiceList(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Bool {
            try Self.elements(&r) { r throws(JSONParseError) -> Bool in try choice(&r) }
        }

        mutating func choice(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Bool {
            var index = 0
            var finishReason: String?
            var seen: UInt32 = 0
            let read = try Self.members(&r) { r, name, _ throws(JSONParseError) -> Bool in
                if let name {
                    guard Self.firstTime(name, &seen) else { return false }
                }
                switch name {
                case .index?:
                    guard let value = try Self.integer(&r) else { return false }
                    index = value
                case .delta?:
                    guard try delta(&r) else { return false }
                case .finishReason?:
                    if r.index < r.buffer.count, r.buffer[r.index] == UInt8(ascii: "\"") {
                        finishReason = try r.parseString()
                    } else {
                        guard try Self.skipStringOrNull(&r) else { return false }
                    }
                default:
                    try r.skipValue(depth: 3)
                }
                return true
            }
            guard read else { return false }
            choices.append(Choice(index: index, finishReason: finishReason))
            return true
        }

        mutating func delta(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Bool {
            var seen: UInt32 = 0
            return try Self.members(&r) { r, name, _ throws(JSONParseError) -> Bool in
                if let name {
                    guard Self.firstTime(name, &seen) else { return false }
                }
                switch name {
                case .role?:
                    guard try Self.skipStringOrNull(&r) else { return false }
                case .content?, .refusal?, .reasoningContent?, .reasoning?:
                    guard let count = try Self.textLength(&r) else { return false }
                    output(count)
                case .toolCalls?:
                    guard try toolCalls(&r) else { return false }
                default:
                    try r.skipValue(depth: 4)
                }
                return true
            }
        }

        mutating func toolCalls(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Bool {
            try Self.elements(&r) { r throws(JSONParseError) -> Bool in
                hasOutput = true
                var seen: UInt32 = 0
                return try Self.members(&r) { r, name, _ throws(JSONParseError) -> Bool in
                    if let name {
                        guard Self.firstTime(name, &seen) else { return false }
                    }
                    switch name {
                    case .index?:
                        guard try Self.integer(&r) != nil else { return false }
                    case .id?, .callType?:
                        guard try Self.skipStringOrNull(&r) else { return false }
                    case .function?:
                        var inner: UInt32 = 0
                        return try Self.members(&r) { r, name, _ throws(JSONParseError) -> Bool in
                            if let name {
                                guard Self.firstTime(name, &inner) else { return false }
                            }
                            switch name {
                            case .name?, .arguments?:
                                guard let count = try Self.textLength(&r) else { return false }
                                outputUTF8Count += count
                            default:
                                try r.skipValue(depth: 7)
                            }
                            return true
                        }
                    default:
                        try r.skipValue(depth: 6)
                    }
                    return true
                }
            }
        }

        /// Whether `name` was not met before in this object (a repeated member keeps its last
        /// value in the whole parse, so it is left to it).
        static func firstTime(_ name: Name, _ seen: inout UInt32) -> Bool {
            let bit: UInt32 = 1 << UInt32(name.rawValue)
            defer { seen |= bit }
            return seen & bit == 0
        }

        /// Text of `count` UTF-8 bytes: counted, and output when there is any.
        mutating func output(_ count: Int) {
            outputUTF8Count += count
            if count > 0 { hasOutput = true }
        }

        /// The members of an object: `body` reads each value (the reader at its start; `name`
        /// the member's name when it is one the broker reads; `start` where the member begins)
        /// and says whether it was of the expected shape. False, or a value that is not an
        /// object, ends the reading with false.
        static func members(
            _ r: inout JSONParser.Reader,
            _ body: (inout JSONParser.Reader, Name?, Int) throws(JSONParseError) -> Bool
        ) throws(JSONParseError) -> Bool {
            guard let empty = r.enter(UInt8(ascii: "{"), closing: UInt8(ascii: "}")) else { return false }
            if empty { return true }
            while true {
                r.skipSpace()
                guard r.index < r.buffer.count, r.buffer[r.index] == UInt8(ascii: "\"") else {
                    throw r.error("expected a member name")
                }
                let start = r.index
                let length = try r.skipString()
                // An escaped name reads as another text than its bytes: left to the whole parse.
                guard length == r.index - start - 2 else { return false }
                let name = Name(UnsafeBufferPointer(rebasing: r.buffer[(start + 1)..<(r.index - 1)]))
                r.skipSpace()
                guard r.index < r.buffer.count, r.buffer[r.index] == UInt8(ascii: ":") else {
                    throw r.error("expected ':'")
                }
                r.index += 1
                r.skipSpace()
                guard try body(&r, name, start) else { return false }
                if try r.endOfMember(closing: UInt8(ascii: "}")) { return true }
            }
        }

        /// The elements of an array, each read by `body`; false when the value is not an array
        /// or `body` says an element was not of the expected shape.
        static func elements(
            _ r: inout JSONParser.Reader, _ body: (inout JSONParser.Reader) throws(JSONParseError) -> Bool
        ) throws(JSONParseError) -> Bool {
            guard let empty = r.enter(UInt8(ascii: "["), closing: UInt8(ascii: "]")) else { return false }
            if empty { return true }
            while true {
                r.skipSpace()
                guard try body(&r) else { return false }
                if try r.endOfMember(closing: UInt8(ascii: "]")) { return true }
            }
        }

        /// A string or `null`; false for another value.
        static func skipStringOrNull(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Bool {
            guard r.index < r.buffer.count else { throw r.error("unexpected end of document") }
            switch r.buffer[r.index] {
            case UInt8(ascii: "\""): _ = try r.skipString()
            case UInt8(ascii: "n"): try r.expectLiteral("null")
            default: return false
            }
            return true
        }

        /// The UTF-8 length of a string's text, 0 for `null`; nil for another value.
        static func textLength(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Int? {
            guard r.index < r.buffer.count else { throw r.error("unexpected end of document") }
            switch r.buffer[r.index] {
            case UInt8(ascii: "\""): return try r.skipString()
            case UInt8(ascii: "n"):
                try r.expectLiteral("null")
                return 0
            default: return nil
            }
        }

        /// An integer that fits an `Int` (JSONValue's `intValue`); nil for another value.
        static func integer(_ r: inout JSONParser.Reader) throws(JSONParseError) -> Int? {
            guard r.index < r.buffer.count else { throw r.error("unexpected end of document") }
            let start = r.index
            switch r.buffer[r.index] {
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try r.skipNumber()
            default: return nil
            }
            var value = 0
            var negative = false
            for byte in UnsafeBufferPointer(rebasing: r.buffer[start..<r.index]) {
                if byte == UInt8(ascii: "-") {
                    negative = true
                    continue
                }
                guard byte >= 0x30, byte <= 0x39 else { return nil }  // a fraction or an exponent
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int(byte - 0x30))
                guard !o1, !o2 else { return nil }
                value = sum
            }
            return negative ? -value : value
        }
    }

    /// The member names the reading compares, matched on their bytes.
    fileprivate enum Name: Int {
        case id, object, created, model, choices, usage, error
        case index, delta, finishReason
        case role, content, refusal, reasoningContent, reasoning, toolCalls
        case callType, function, name, arguments

        /// The name spelled by `bytes` (lengths compared first: a name is read for every member
        /// of every chunk).
        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            for (name, spelling) in Self.spellings where spelling.utf8CodeUnitCount == bytes.count {
                let expected = UnsafeBufferPointer(start: spelling.utf8Start, count: spelling.utf8CodeUnitCount)
                if bytes.elementsEqual(expected) {
                    self = name
                    return
                }
            }
            return nil
        }

        static let spellings: [(Name, StaticString)] = [
            (.id, "id"), (.object, "object"), (.created, "created"), (.model, "model"), (.choices, "choices"),
            (.usage, "usage"), (.error, "error"), (.index, "index"), (.delta, "delta"),
            (.finishReason, "finish_reason"), (.role, "role"), (.content, "content"), (.refusal, "refusal"),
            (.reasoningContent, "reasoning_content"), (.reasoning, "reasoning"), (.toolCalls, "tool_calls"),
            (.callType, "type"), (.function, "function"), (.name, "name"), (.arguments, "arguments"),
        ]
    }
}
