import Broker
import ProviderInterface

/// A typed option: its declaration (name, placeholder, help, shown default) and how its text
/// becomes a value. Declared once, as a static member of the ``OptionGroup`` that owns it;
/// commands read the value, never the text.
struct Option<Value: Sendable>: Sendable {
    /// The declaration the parser and the help read.
    var spec: OptionSpec
    /// The value of one occurrence's text, or the one-line usage error naming the option.
    var parse: @Sendable (String) throws(UsageError) -> Value

    /// An option whose text `read` turns into a value; `nil` is refused as
    /// "`NAME` must be `expected` (got 'TEXT')".
    init(
        _ name: String, _ valueName: String, _ help: String, repeatable: Bool = false, default shown: String? = nil,
        expected: String, read: @escaping @Sendable (String) -> Value?
    ) {
        spec = OptionSpec(name: name, valueName: valueName, help: help, repeatable: repeatable, defaultText: shown)
        parse = { text throws(UsageError) in
            guard let value = read(text) else { throw UsageError("\(name) must be \(expected) (got '\(text)')") }
            return value
        }
    }

    /// An option checked by one of the filters the CLI shares with the HTTP API; their
    /// ``MarketFilterError`` becomes the usage error, under the option's name.
    init(
        _ name: String, _ valueName: String, _ help: String, repeatable: Bool = false, default shown: String? = nil,
        filter: @escaping @Sendable (String) throws(MarketFilterError) -> Value
    ) {
        spec = OptionSpec(name: name, valueName: valueName, help: help, repeatable: repeatable, defaultText: shown)
        parse = { text throws(UsageError) in
            do throws(MarketFilterError) { return try filter(text) } catch {
                throw UsageError("\(name) \(error.message)")
            }
        }
    }

    /// An option with its own parse function (for refusals that say more than "must be").
    init(
        _ name: String, _ valueName: String, _ help: String, default shown: String? = nil,
        parse: @escaping @Sendable (String) throws(UsageError) -> Value
    ) {
        spec = OptionSpec(name: name, valueName: valueName, help: help, defaultText: shown)
        self.parse = parse
    }

    /// The same option with a default: read with ``ParsedArguments/value(_:)-(OptionWithDefault)``,
    /// shown in help as `(default: shown)`.
    func defaulting(to value: Value, shown: String) -> OptionWithDefault<Value> {
        var copy = self
        copy.spec.defaultText = shown
        return OptionWithDefault(option: copy, defaultValue: value)
    }
}

extension Option where Value: LosslessStringConvertible {
    /// The same option with a default shown as the value itself (`4`, `bf16`).
    func defaulting(to value: Value) -> OptionWithDefault<Value> {
        defaulting(to: value, shown: value.description)
    }
}

extension Option where Value == Int64 {
    /// A duration option with a default shown as a duration (`10s`).
    func defaulting(toMilliseconds value: Int64) -> OptionWithDefault<Int64> {
        defaulting(to: value, shown: DurationText.format(milliseconds: value))
    }
}

extension Option where Value: RawRepresentable, Value.RawValue == String {
    /// The same option with a default shown as its raw value (`cheapest`).
    func defaulting(to value: Value) -> OptionWithDefault<Value> {
        defaulting(to: value, shown: value.rawValue)
    }
}

// MARK: - The kinds of value the commands take

extension Option where Value == String {
    /// Any text (a path, a key, a substring).
    static func text(
        _ name: String, _ valueName: String, _ help: String, repeatable: Bool = false, default shown: String? = nil
    )
        -> Option<String>
    {
        Option(name, valueName, help, repeatable: repeatable, default: shown, expected: "text") { $0 }
    }
}

extension Option where Value == Int {
    /// A whole number in `range`.
    static func integer(
        _ name: String, _ valueName: String, _ help: String, range: ClosedRange<Int>, default shown: String? = nil
    )
        -> Option<Int>
    {
        Option(
            name, valueName, help, default: shown,
            expected: "a whole number in \(range.lowerBound)...\(range.upperBound)"
        ) { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}

extension Option where Value == Int64 {
    /// A duration (`30s`, `15m`, `24h`, `7d`) in milliseconds, at least `minimumMs`.
    static func duration(
        _ name: String, _ help: String, example: String, minimumMs: Int64 = 0, default shown: String? = nil
    )
        -> Option<Int64>
    {
        let least = minimumMs > 0 ? "of at least \(DurationText.format(milliseconds: minimumMs)) " : ""
        return Option(name, "DURATION", help, default: shown, expected: "a duration \(least)such as \(example)") {
            text in
            DurationText.milliseconds(text).flatMap { $0 >= minimumMs ? $0 : nil }
        }
    }
}

extension Option {
    /// How the refusals list what an option accepts: `a, b or c`.
    static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }
}

extension Option where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of an enumeration's raw values; its placeholder lists them (`cheapest|fastest|preferred`).
    static func choice(_ name: String, _ help: String, lowercased: Bool = false, default shown: String? = nil)
        -> Option<Value>
    {
        let names = Value.allCases.map(\.rawValue)
        return Option(name, names.joined(separator: "|"), help, default: shown, expected: Self.list(names)) { text in
            Value(rawValue: lowercased ? text.lowercased() : text)
        }
    }
}
