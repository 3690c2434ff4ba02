import ProviderInterface

/// One result object, as printed in JSON and CSV.
typealias JSONObjectRow = JSONObject

extension JSONObject {
    /// A cell for CSV: strings as they are, numbers as text, arrays joined with `;`.
    func cell(_ key: String) -> String {
        guard let value = self[key] else { return "" }
        return Self.flat(value)
    }

    static func flat(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return s
        case .array(let a): return a.map(flat).joined(separator: ";")
        case .object: return JSONWriter.string(value)
        }
    }
}
