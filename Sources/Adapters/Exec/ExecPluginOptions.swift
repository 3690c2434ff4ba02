import ProviderInterface

/// The `options` of an `exec` registry entry.
///
/// ```json
/// "options": { "command": "plugins/my_plugin.py", "args": ["--verbose"], "env": ["MY_REGION"] }
/// ```
struct ExecPluginOptions: Sendable, Hashable {
    /// The executable: absolute; relative with a `/` (against the registry's directory); or a
    /// bare name (the registry's directory, then the plugin's `PATH`).
    var command: String
    /// Arguments after the command.
    var args: [String]
    /// Names of further environment variables the plugin may see (besides `PATH`, `HOME`,
    /// `LANG` and the entry's `auth_env`).
    var env: [String]

    /// Every option name this kind accepts.
    static let names = ["command", "args", "env"]
    /// Variables every plugin sees when the broker has them.
    static let baseEnvironment = ["PATH", "HOME", "LANG"]
    /// `PATH` for a plugin when the broker has none.
    static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// Reads the options; missing or mistyped values become empty (``validate(_:)`` reports them).
    init(_ options: JSONObject) {
        command = options["command"]?.stringValue ?? ""
        args = options["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        env = options["env"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Every problem with an entry's options, with paths relative to the entry.
    static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        let options = entry.options
        var issues = AdapterIssue.unknownOptions(entry, kind: "exec", known: names)
        func issue(_ path: String, _ message: String) {
            issues.append(AdapterIssue(path: "options.\(path)", message: message))
        }
        if let command = options["command"] {
            if command.stringValue?.isEmpty ?? true {
                issue("command", "must be a non-empty string (the plugin's executable)")
            }
        } else {
            issue(
                "command",
                "is required: the plugin's executable (relative paths resolve against the registry's directory)")
        }
        for key in ["args", "env"] {
            guard let value = options[key] else { continue }
            guard let items = value.arrayValue else { issue(key, "must be an array of strings"); continue }
            for (i, item) in items.enumerated() where item.stringValue == nil {
                issue("\(key)[\(i)]", "must be a string")
            }
        }
        for (i, name) in (options["env"]?.arrayValue ?? []).enumerated() {
            guard let name = name.stringValue else { continue }
            if !isVariableName(name) {
                issue("env[\(i)]", "'\(name)' is not an environment variable name (A-Z, 0-9, _)")
            }
        }
        return issues
    }

    /// The plugin's complete environment: the base variables, `auth_env` and `env`, each only
    /// when set in `environment`. Nothing else of the broker's environment is passed.
    func childEnvironment(authEnv: String?, from environment: [String: String]) -> [String] {
        var names = Self.baseEnvironment + (authEnv.map { [$0] } ?? []) + env
        var seen: Set<String> = []
        names = names.filter { seen.insert($0).inserted }
        var result: [String] = []
        for name in names {
            if let value = environment[name] {
                result.append("\(name)=\(value)")
            } else if name == "PATH" {
                result.append("PATH=\(Self.defaultPath)")
            }
        }
        return result
    }

    /// Whether `name` is a portable environment variable name.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }
}
