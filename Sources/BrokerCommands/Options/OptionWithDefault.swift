/// An option with a typed default, used when it is not given.
struct OptionWithDefault<Value: Sendable>: Sendable {
    var option: Option<Value>
    var defaultValue: Value
    var spec: OptionSpec { option.spec }
}
