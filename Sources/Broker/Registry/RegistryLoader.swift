#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import ProviderInterface

/// Reads and validates `provider_registry.json`, reporting every problem with its path.
public struct RegistryLoader: Sendable {
    /// Extra validation of adapter-specific settings (the CLI passes the adapter factory's).
    public var validateAdapter: @Sendable (ProviderEntry) -> [RegistryIssue]

    /// A loader; adapter validation defaults to none.
    public init(validateAdapter: @escaping @Sendable (ProviderEntry) -> [RegistryIssue] = { _ in [] }) {
        self.validateAdapter = validateAdapter
    }

    /// Reads and validates the file at `path`.
    public func load(path: String) throws(RegistryError) -> Registry {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RegistryError(
                file: path, issues: [RegistryIssue(path: "(file)", message: "cannot be read: \(Self.reason(error))")])
        }
        let directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        return try parse(Array(data), file: path, directory: directory)
    }

    /// Validates a registry document already in memory.
    public func parse(_ bytes: [UInt8], file: String, directory: String) throws(RegistryError) -> Registry {
        let document: JSONValue
        do {
            document = try JSONParser.parseRejectingDuplicates(bytes)
        } catch {
            let line = Self.lineNumber(bytes, offset: error.offset)
            throw RegistryError(
                file: file, issues: [RegistryIssue(path: "(document)", message: "line \(line): \(error)")])
        }
        var issues: [RegistryIssue] = []
        guard let root = document.objectValue else {
            throw RegistryError(
                file: file,
                issues: [RegistryIssue(path: "(document)", message: "must be a JSON object with a \"providers\" array")]
            )
        }
        for key in root.keys where !["version", "providers", "aliases", "$schema", "comment"].contains(key) {
            issues.append(RegistryIssue(path: key, message: "unknown field"))
        }
        if let version = root["version"], version.intValue != 1 {
            issues.append(RegistryIssue(path: "version", message: "must be 1"))
        }
        var aliases: [String: String] = [:]
        if let aliasValue = root["aliases"] {
            if let object = aliasValue.objectValue {
                for (alias, target) in object {
                    if let t = target.stringValue, !t.isEmpty {
                        aliases[alias] = t
                    } else {
                        issues.append(
                            RegistryIssue(path: "aliases.\(alias)", message: "must be a non-empty model id string"))
                    }
                }
            } else {
                issues.append(RegistryIssue(path: "aliases", message: "must be an object of alias → model id"))
            }
        }
        var entries: [ProviderEntry] = []
        if let providers = root["providers"]?.arrayValue {
            var seen: [String: Int] = [:]
            for (index, value) in providers.enumerated() {
                var reader = EntryReader(path: "providers[\(index)]", directory: directory)
                if let entry = reader.read(value, index: index) {
                    if let first = seen[entry.key] {
                        reader.issues.append(
                            RegistryIssue(
                                path: "providers[\(index)].key",
                                message: "duplicate key '\(entry.key)' (first at providers[\(first)])"))
                    } else {
                        seen[entry.key] = index
                    }
                    if reader.issues.isEmpty {
                        reader.issues += validateAdapter(entry).map {
                            RegistryIssue(path: "providers[\(index)].\($0.path)", message: $0.message)
                        }
                    }
                    entries.append(entry)
                }
                issues += reader.issues
            }
        } else {
            issues.append(RegistryIssue(path: "providers", message: "required: an array of provider entries"))
        }
        guard issues.isEmpty else { throw RegistryError(file: file, issues: issues) }
        return Registry(path: file, entries: entries, aliases: aliases)
    }

    static func lineNumber(_ bytes: [UInt8], offset: Int) -> Int {
        1 + bytes.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("NoSuchFile") || text.contains("couldn’t be opened") || text.contains("No such file") {
            return "no such file"
        }
        return text
    }
}
