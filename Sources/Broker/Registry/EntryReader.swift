import ProviderInterface

/// Reads one registry entry, collecting every problem instead of stopping at the first.
struct EntryReader {
    let path: String
    let directory: String
    var issues: [RegistryIssue] = []

    static let knownFields: Set<String> = [
        "key", "adapter", "enabled", "base_url", "urls", "auth_env", "region", "served_by", "refresh_every",
        "timeout", "first_byte_timeout", "max_duration", "pricing", "options", "comment", "name",
        "capabilities",
    ]

    init(path: String, directory: String) {
        self.path = path
        self.directory = directory
    }

    mutating func issue(_ field: String, _ message: String) {
        issues.append(RegistryIssue(path: field.isEmpty ? path : "\(path).\(field)", message: message))
    }

    mutating func read(_ value: JSONValue, index: Int) -> ProviderEntry? {
        guard let object = value.objectValue else {
            issue("", "must be an object")
            return nil
        }
        for key in object.keys where !Self.knownFields.contains(key) {
            issue(key, "unknown field (known: \(Self.knownFields.sorted().joined(separator: ", ")))")
        }
        rejectLiteralSecrets(value, field: "")

        let key = requiredString(object, "key") ?? "providers[\(index)]"
        if object["key"]?.stringValue != nil, !Self.isValidKey(key) {
            issue("key", "must be lower-case letters, digits, '-' and '_' (got '\(key)')")
        }
        let adapter = requiredString(object, "adapter") ?? ""
        let enabled = optionalBool(object, "enabled") ?? true
        // An exec plugin talks over stdin/stdout: it needs no base URL.
        let baseURL = (adapter == "exec" && object["base_url"] == nil) ? "" : (requiredString(object, "base_url") ?? "")
        if object["base_url"]?.stringValue != nil { checkURL(baseURL, field: "base_url") }

        var urls: [String: String] = ["registry_dir": directory]
        if let urlsValue = object["urls"] {
            if let urlObject = urlsValue.objectValue {
                for (name, v) in urlObject {
                    if let s = v.stringValue {
                        checkURL(s, field: "urls.\(name)")
                        urls[name] = s
                    } else {
                        issue("urls.\(name)", "must be a URL string")
                    }
                }
            } else {
                issue("urls", "must be an object of name → URL")
            }
        }

        var authEnv: String? = nil
        if let authValue = object["auth_env"], !authValue.isNull {
            if let name = authValue.stringValue, Self.isEnvName(name), Self.isNonCredentialVariable(name) {
                issue(
                    "auth_env",
                    "names \(name), which holds no credential (its value would be sent to the provider as a key); name the variable that holds the key"
                )
            } else if let name = authValue.stringValue, Self.isEnvName(name) {
                authEnv = name
            } else if let name = authValue.stringValue, Self.looksLikeSecret(name) {
                issue(
                    "auth_env",
                    "looks like a literal credential; write the NAME of the environment variable that holds it (e.g. \"HF_TOKEN\")"
                )
            } else {
                issue(
                    "auth_env",
                    "must be an environment variable name such as \"HF_TOKEN\" (upper-case letters, digits, '_')")
            }
        }

        let region = object["region"].map { readRegion($0, field: "region") } ?? .unknown
        var servedBy: [String: RegionRecord] = [:]
        if let servedValue = object["served_by"] {
            if let servedObject = servedValue.objectValue {
                for (name, v) in servedObject { servedBy[name] = readRegion(v, field: "served_by.\(name)") }
            } else {
                issue("served_by", "must be an object of served-by provider → region record")
            }
        }

        let refresh = duration(object, "refresh_every", default: 3_600_000)
        let timeout = duration(object, "timeout", default: 60_000)
        let firstByte = duration(object, "first_byte_timeout", default: 30_000)
        let maxDuration = object["max_duration"] == nil ? nil : duration(object, "max_duration", default: 0)
        let pricing = object["pricing"].map { readPricing($0) } ?? PricingConfig()
        var options = JSONObject()
        if let optionsValue = object["options"] {
            if let o = optionsValue.objectValue { options = o } else { issue("options", "must be an object") }
        }
        var entry = ProviderEntry(
            key: key, adapter: adapter, enabled: enabled, baseURL: baseURL, urls: urls, authEnv: authEnv,
            region: region, servedByRegions: servedBy, refreshIntervalSeconds: Int(refresh / 1000),
            timeoutMs: Int(timeout), firstByteTimeoutMs: Int(firstByte), pricing: pricing, options: options,
            index: index, maxDurationMs: maxDuration.flatMap { $0 > 0 ? Int($0) : nil })
        if let declared = object["capabilities"] { entry.capabilities = readCapabilities(declared) }
        return entry
    }

    /// `{"tools": true, "json-schema": false, "vision": true}`: what every model of the entry
    /// supports (true) or lacks (false).
    mutating func readCapabilities(_ value: JSONValue) -> [ModelCapability: Bool] {
        guard let object = value.objectValue else {
            issue("capabilities", "must be an object such as {\"tools\": true, \"vision\": false}")
            return [:]
        }
        var result: [ModelCapability: Bool] = [:]
        for member in object {
            guard let capability = ModelCapability(name: member.key) else {
                let known = ModelCapability.allCases.map(\.name).joined(separator: ", ")
                issue("capabilities.\(member.key)", "unknown capability (known: \(known))")
                continue
            }
            guard let supported = member.value.boolValue else {
                issue("capabilities.\(member.key)", "must be true or false")
                continue
            }
            result[capability] = supported
        }
        return result
    }

    // MARK: Fields

    mutating func requiredString(_ object: JSONObject, _ field: String) -> String? {
        guard let value = object[field] else {
            issue(field, "required")
            return nil
        }
        guard let s = value.stringValue, !s.isEmpty else {
            issue(field, "must be a non-empty string")
            return nil
        }
        return s
    }

    mutating func optionalBool(_ object: JSONObject, _ field: String) -> Bool? {
        guard let value = object[field] else { return nil }
        guard let b = value.boolValue else {
            issue(field, "must be true or false")
            return nil
        }
        return b
    }

    mutating func duration(_ object: JSONObject, _ field: String, default value: Int64) -> Int64 {
        guard let v = object[field] else { return value }
        guard let text = v.stringValue, let ms = DurationText.milliseconds(text), ms > 0 else {
            issue(field, "must be a duration such as \"30s\", \"5m\" or \"1h\"")
            return value
        }
        return ms
    }

    mutating func checkURL(_ url: String, field: String) {
        // A credential written into a URL would be stored, logged and served with it: rejected
        // without echoing the URL (nor the value).
        if let problem = Self.credentialInURL(url) {
            issue(field, "carries a credential (\(problem)); put the key in an environment variable named by auth_env")
            return
        }
        guard let parts = URLParts(url) else {
            issue(field, "must be an absolute http(s) URL (got '\(url)')")
            return
        }
        if parts.scheme != "https", !parts.isLoopback {
            issue(field, "must be https unless the host is loopback (got '\(parts.scheme)://\(parts.host)')")
        }
    }

    mutating func readRegion(_ value: JSONValue, field: String) -> RegionRecord {
        guard let object = value.objectValue else {
            issue(field, "must be an object such as {\"region\": \"eu\", \"countries\": [\"FR\"]}")
            return .unknown
        }
        for key in object.keys where !["region", "countries", "compliance", "source", "comment"].contains(key) {
            issue("\(field).\(key)", "unknown field (known: region, countries, compliance, source)")
        }
        var record = RegionRecord.unknown
        if let r = object["region"]?.stringValue, let region = Region(rawValue: r) {
            record.region = region
        } else {
            let known = Region.allCases.map(\.rawValue).joined(separator: ", ")
            issue("\(field).region", "must be one of \(known)")
        }
        if let countries = object["countries"] {
            for (i, c) in (countries.arrayValue ?? [countries]).enumerated() {
                if let code = c.stringValue, code.count == 2, code.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                    record.countries.append(code)
                } else {
                    issue("\(field).countries[\(i)]", "must be a two-letter upper-case country code such as \"FR\"")
                }
            }
        }
        if let tags = object["compliance"] {
            for (i, t) in (tags.arrayValue ?? [tags]).enumerated() {
                if let tag = t.stringValue, !tag.isEmpty {
                    record.declared.append(ComplianceTag(tag))
                } else {
                    issue("\(field).compliance[\(i)]", "must be a tag string such as \"zdr\"")
                }
            }
        }
        record.source = object["source"]?.stringValue
        return record
    }

    mutating func readPricing(_ value: JSONValue) -> PricingConfig {
        var config = PricingConfig()
        guard let object = value.objectValue else {
            issue("pricing", "must be an object")
            return config
        }
        let known = ["source", "unit", "zero", "catalog", "taken", "source_url", "models", "comment"]
        for key in object.keys where !known.contains(key) {
            issue("pricing.\(key)", "unknown field (known: \(known.joined(separator: ", ")))")
        }
        if let s = object["source"] {
            if let text = s.stringValue, let source = PricingConfig.Source(rawValue: text) {
                config.source = source
            } else {
                issue("pricing.source", "must be one of api, static, none")
            }
        }
        if let u = object["unit"] {
            if let text = u.stringValue, let unit = PriceUnit(rawValue: text) {
                config.unit = unit
            } else {
                issue("pricing.unit", "must be one of \(PriceUnit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let z = object["zero"] {
            switch z.stringValue {
            case "free": config.zeroIsFree = true
            case "unknown": config.zeroIsFree = false
            default: issue("pricing.zero", "must be \"free\" or \"unknown\"")
            }
        }
        if let c = object["catalog"] {
            switch c.stringValue {
            case "api": config.catalogIsTable = false
            case "table": config.catalogIsTable = true
            default: issue("pricing.catalog", "must be \"api\" or \"table\"")
            }
        }
        config.taken = object["taken"]?.stringValue
        config.sourceURL = object["source_url"]?.stringValue
        if let models = object["models"] {
            guard let rows = models.arrayValue else {
                issue("pricing.models", "must be an array")
                return config
            }
            var seen: [String: Int] = [:]
            for (i, row) in rows.enumerated() {
                if let price = readStaticPrice(
                    row, field: "pricing.models[\(i)]", unit: config.unit, zeroIsFree: config.zeroIsFree)
                {
                    let identity = "\(price.model)\u{0}\(price.task.rawValue)"
                    if let first = seen[identity] {
                        issue(
                            "pricing.models[\(i)]",
                            "duplicate row for model '\(price.model)' (\(price.task.rawValue)); first at pricing.models[\(first)]"
                        )
                        continue
                    }
                    seen[identity] = i
                    config.table.append(price)
                }
            }
        }
        if config.source == .static, config.table.isEmpty {
            issue("pricing.models", "a static price source needs at least one model row")
        }
        if config.catalogIsTable, config.table.isEmpty {
            issue("pricing.models", "catalog \"table\" needs at least one model row")
        }
        if config.source == .static || config.catalogIsTable, config.taken == nil {
            issue("pricing.taken", "required for a static table: the date the prices were taken (YYYY-MM-DD)")
        }
        return config
    }

    mutating func readStaticPrice(_ value: JSONValue, field: String, unit: PriceUnit, zeroIsFree: Bool) -> StaticPrice?
    {
        guard let row = value.objectValue else {
            issue(field, "must be an object")
            return nil
        }
        guard let model = row["model"]?.stringValue, !model.isEmpty else {
            issue("\(field).model", "required: the provider-side model id")
            return nil
        }
        var price = OfferPrice(currency: unit.currency)
        for side in ["input", "output"] {
            let parsed: PriceValue
            switch row[side] {
            case .none, .some(.null): parsed = .unknown
            case .some(.number(let text)), .some(.string(let text)):
                guard let scaled = DecimalText.scaled(text, by: unit.picoExponent),
                    let p = PriceValue.parse(text, unit: unit)
                else {
                    issue("\(field).\(side)", "must be a decimal price in \(unit.rawValue) (got '\(text)')")
                    return nil
                }
                guard scaled.value >= 0 else {
                    issue("\(field).\(side)", "must not be negative (got '\(text)'; write null for an unknown price)")
                    return nil
                }
                guard scaled.exact else {
                    issue(
                        "\(field).\(side)",
                        "'\(text)' \(unit.rawValue) is finer than one pico-USD (1e-12 USD) per unit, which prices are counted in"
                    )
                    return nil
                }
                parsed = (p == .amount(.zero) && !zeroIsFree) ? .unknown : p
            default:
                issue("\(field).\(side)", "must be a decimal number or string in \(unit.rawValue), or null")
                return nil
            }
            if side == "input" { price.input = parsed } else { price.output = parsed }
        }
        var context: Int? = nil
        if let c = row["context_length"], !c.isNull {
            if let n = c.intValue, n > 0 {
                context = n
            } else {
                issue("\(field).context_length", "must be a positive integer")
            }
        }
        let task = row["task"]?.stringValue.map { ModelTask(userInput: $0) } ?? .conversational
        var result = StaticPrice(
            model: model, hfID: row["hf_id"]?.stringValue, task: task, contextLength: context, price: price)
        for key in ["retires_at", "taken"] {
            guard let value = row[key], !value.isNull else { continue }
            guard let text = value.stringValue, Self.isDay(text) else {
                issue("\(field).\(key)", "must be a day as YYYY-MM-DD")
                continue
            }
            if key == "retires_at" { result.retiresAt = text } else { result.taken = text }
        }
        result.sourceURL = row["source_url"]?.stringValue
        return result
    }

    /// Whether `text` is a day written `YYYY-MM-DD`.
    static func isDay(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return false }
        return bytes.enumerated().allSatisfy {
            $0.offset == 4 || $0.offset == 7 || ($0.element >= 0x30 && $0.element <= 0x39)
        }
    }

    /// Any string anywhere in the entry that looks like a literal credential is an error.
    mutating func rejectLiteralSecrets(_ value: JSONValue, field: String) {
        switch value {
        case .string(let s) where Self.looksLikeSecret(s):
            issue(
                field,
                "looks like a literal credential; credentials come only from environment variables named in auth_env")
        case .object(let o):
            for (k, v) in o where k != "auth_env" {
                rejectLiteralSecrets(v, field: field.isEmpty ? k : "\(field).\(k)")
            }
        case .array(let a):
            for (i, v) in a.enumerated() { rejectLiteralSecrets(v, field: "\(field)[\(i)]") }
        default: break
        }
    }

    static func looksLikeSecret(_ s: String) -> Bool {
        let prefixes = ["hf_", "sk-", "sk_", "gsk_", "Bearer ", "xai-", "nvapi-", "fw_", "csk-"]
        guard prefixes.contains(where: { s.hasPrefix($0) }), s.count >= 20 else { return false }
        return !s.contains(" ") || s.hasPrefix("Bearer ")
    }

    /// The query parameters that carry a credential.
    static let credentialParameters: Set<String> = [
        "key", "api_key", "apikey", "api-key", "token", "access_token", "auth", "auth_token", "secret", "password",
        "client_secret", "sig", "signature", "x-api-key",
    ]

    /// What in `url` is a credential (user information, or a credential query parameter), or `nil`.
    static func credentialInURL(_ url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        if rest[..<authorityEnd].contains("@") { return "user information before '@'" }
        guard let question = rest.firstIndex(of: "?") else { return nil }
        let query = rest[rest.index(after: question)...].prefix { $0 != "#" }
        for pair in query.split(separator: "&") {
            let name = pair.prefix { $0 != "=" }.lowercased()
            if credentialParameters.contains(name) { return "the query parameter '\(name)'" }
        }
        return nil
    }

    /// Variables that hold no credential: naming one in `auth_env` would send its value (a
    /// path, a user name) to the provider as a key.
    static let nonCredentialVariables: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "OLDPWD", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR",
        "HOSTNAME", "DISPLAY", "EDITOR", "VISUAL", "PAGER", "MAIL", "SHLVL", "LD_LIBRARY_PATH", "LD_PRELOAD",
        "SSH_AUTH_SOCK", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "BROKER_REGISTRY", "BROKER_STORE",
        "BROKER_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "CURL_CA_BUNDLE", "SSL_CERT_FILE",
        "SSL_CERT_DIR", "PYTHONPATH", "GOPATH", "JAVA_HOME", "CI",
    ]

    /// Whether `name` is a variable known to hold something other than a credential.
    static func isNonCredentialVariable(_ name: String) -> Bool {
        nonCredentialVariables.contains(name) || name.hasPrefix("LC_") || name.hasPrefix("XDG_")
    }

    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty
            && key.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F
            }
    }

    static func isEnvName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
