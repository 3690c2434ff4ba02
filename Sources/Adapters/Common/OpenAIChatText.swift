/// Small text helpers for the OpenAI-protocol code (no Foundation needed).
enum OpenAIChatText {
    /// `text` without leading and trailing spaces and tabs.
    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        let string = String(text)
        guard let first = string.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = string.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(string[first...last])
    }

    /// What ``trimmed(_:)`` gives for `text`, as a byte range of its UTF-8, found without a copy
    /// (for the stream readers, which check every payload for `[DONE]`).
    static func trimmedUTF8(_ text: String) -> Substring.UTF8View {
        let bytes = text.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let before = bytes.index(before: end)
            guard bytes[before] == 0x20 || bytes[before] == 0x09 else { break }
            end = before
        }
        return text[start..<end].utf8
    }

    /// Whether `text` without leading and trailing spaces and tabs is `[DONE]`, the end of an OpenAI stream.
    static func isDone(_ text: String) -> Bool { trimmedUTF8(text).elementsEqual("[DONE]".utf8) }

    /// Whether `text` is only spaces and tabs.
    static func isBlank(_ text: String) -> Bool { trimmedUTF8(text).isEmpty }

    /// `text` with line breaks turned into spaces (error messages are one line).
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
