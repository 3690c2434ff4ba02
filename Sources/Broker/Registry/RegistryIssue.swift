/// One problem in a registry file, at a JSON path (`providers[2].auth_env`).
public struct RegistryIssue: Sendable, Hashable, CustomStringConvertible {
    /// Where: a path from the document root.
    public var path: String
    /// What is wrong, and what would be right.
    public var message: String

    /// An issue.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// What went wrong, for a person to read; never holds a credential.
    public var description: String { "\(path): \(message)" }
}

/// A registry that could not be used: the file, and every problem found in it.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The registry file.
    public var file: String
    /// Every problem, in document order.
    public var issues: [RegistryIssue]

    /// An error.
    public init(file: String, issues: [RegistryIssue]) {
        self.file = file
        self.issues = issues
    }

    /// What went wrong, for a person to read; never holds a credential.
    public var description: String {
        let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
        return "\(file): \(count)\n" + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}
