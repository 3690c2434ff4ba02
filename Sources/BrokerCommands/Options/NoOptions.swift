/// A command without options of its own.
struct NoOptions: OptionGroup {
    static let options: [OptionSpec] = []
    init(parsing arguments: ParsedArguments) {}
}
