/// Options parsed together into typed values: declared once (as static ``Option``s), listed
/// in help in one order, and read into a value that commands use instead of the text.
protocol OptionGroup: Sendable {
    /// The declarations, in help order.
    static var options: [OptionSpec] { get }
    /// The typed values of a parsed command line; a bad value is a usage error naming its option.
    init(parsing arguments: ParsedArguments) throws(UsageError)
}
