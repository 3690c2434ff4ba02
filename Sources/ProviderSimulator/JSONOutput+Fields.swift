import ProviderInterface

/// The simulator's short names for members written through ``JSONOutput`` (its renderers
/// write many catalog fields).
extension JSONOutput {
    mutating func field(_ name: String, _ value: String) { member(name, value) }

    mutating func field(_ name: String, int value: Int) {
        key(name)
        integer(value)
    }

    mutating func field(_ name: String, number text: String) {
        key(name)
        number(text)
    }

    mutating func field(_ name: String, bool value: Bool) {
        key(name)
        bool(value)
    }

    mutating func int(_ value: Int) { integer(value) }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }
}
