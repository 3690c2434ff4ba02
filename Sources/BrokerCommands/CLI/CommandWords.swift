/// Finds the command words of a command line, stepping over global options wherever they are.
///
/// The words are the arguments that do not start with `-`, up to the first option that is
/// not global (its value could look like a word) or `--`; a global option's value is never
/// a word. `broker --store S providers --format json check --verbose x` gives
/// `providers`, `check`.
struct CommandWords: Sendable {
    /// The words, with their positions in the arguments.
    var words: [(index: Int, word: String)] = []
    /// The option the scan stopped at, when it was not a global one.
    var stoppedAt: String?

    /// Scans `arguments` (without the program name).
    static func scan(_ arguments: [String]) -> CommandWords {
        var result = CommandWords()
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if arg == "--" { break }
            if !arg.hasPrefix("-") || arg == "-" {
                result.words.append((i, arg))
                i += 1
                continue
            }
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            let spec = GlobalOptions.options.first {
                $0.name == name || (name.count == 2 && $0.short.map { "-\($0)" } == name)
            }
            guard let spec else {
                result.stoppedAt = name
                break
            }
            // A missing value is left for the command's parser to report.
            i += spec.isFlag || name != arg ? 1 : 2
        }
        return result
    }
}
