/// The text side of an ``Option`` or ``Flag``: what the parser matches and what help prints.
struct OptionSpec: Sendable {
    /// The long name, with dashes (`--provider`).
    var name: String
    /// The value's placeholder (`KEY`); `nil` for a flag.
    var valueName: String?
    /// One line of help.
    var help: String
    /// Whether the option may be given more than once.
    var repeatable: Bool = false
    /// A one-letter short form (`-n`), if any.
    var short: Character? = nil
    /// The default as help shows it (`4`, `1h`, `$BROKER_STORE, else …`); `nil` when none.
    var defaultText: String? = nil

    var isFlag: Bool { valueName == nil }

    static func flag(_ name: String, _ help: String, short: Character? = nil) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help, short: short)
    }
}

/// A positional argument.
struct ArgumentSpec: Sendable {
    var name: String
    var help: String
    var optional: Bool = false
}

/// The static description of a command, from which its help and parser are generated.
struct CommandConfiguration: Sendable {
    /// The words that select it (`["providers", "check"]`).
    var path: [String]
    /// One line saying what it does.
    var abstract: String
    /// Further paragraphs for `--help`.
    var discussion: String = ""
    /// The command's options: its ``BrokerCommand/Options``' declarations.
    var options: [OptionSpec] = []
    /// Positional arguments.
    var arguments: [ArgumentSpec] = []
    /// Whether the command prints results (and so takes `--format`).
    var printsResults: Bool = true
}
