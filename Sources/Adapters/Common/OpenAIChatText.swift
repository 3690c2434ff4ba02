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

    /// `text` with line breaks turned into spaces (error messages are one line).
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
