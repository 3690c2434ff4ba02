/// A flag: present or not.
struct Flag: Sendable {
    var spec: OptionSpec
    init(_ name: String, _ help: String, short: Character? = nil) {
        spec = .flag(name, help, short: short)
    }
}
