#if canImport(Glibc)
    import Glibc
#endif

/// Reads the process environment once, without Foundation.
public enum ProcessEnvironment {
    /// Every `NAME=value` of the process environment, by name.
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }
}
