@testable import Broker
import ProviderInterface

#if canImport(Glibc)
    import Glibc
#endif

/// A private temporary directory for one test's database, removed when the test ends.
final class StoreTempDirectory: @unchecked Sendable {
    // @unchecked: `path` is immutable after init.
    let path: String

    init() throws {
        var template = Array("/tmp/broker-store-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw StoreError(.path, "mkdtemp failed", errno: errno) }
        path = String(cString: made)
    }

    /// A database path inside the directory.
    func file(_ name: String = "market.sqlite3") -> String { path + "/" + name }

    deinit { Self.removeTree(path) }

    private static func removeTree(_ path: String) {
        guard let dir = opendir(path) else {
            unlink(path)
            return
        }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let child = path + "/" + name
            var info = stat()
            if lstat(child, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                removeTree(child)
            } else {
                unlink(child)
            }
        }
        closedir(dir)
        rmdir(path)
    }
}

/// The permission bits of `path`, or nil when it does not exist.
func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
}

/// A token price from USD per million tokens as exact text ("0.88").
func perMillion(_ text: String) -> PriceValue {
    PriceValue.parse(text, unit: .usdPerMillionTokens) ?? .unknown
}

/// A token-billed price from USD-per-million texts; nil means unknown.
func tokenPrice(_ input: String?, _ output: String?) -> OfferPrice {
    OfferPrice(input: input.map(perMillion) ?? .unknown, output: output.map(perMillion) ?? .unknown)
}

/// A test offer with a region record applied.
func offer(
    _ provider: String, _ model: String, servedBy: String? = nil, hfID: String? = nil,
    task: ModelTask = .conversational, price: OfferPrice = tokenPrice("1", "2"), region: RegionRecord = .unknown,
    context: Int? = nil
) -> Offer {
    var o = Offer(
        provider: provider, servedBy: servedBy, model: model, hfID: hfID, task: task, price: price,
        contextLength: context)
    o.apply(region)
    return o
}

let euFR = RegionRecord(region: .eu, countries: ["FR"])
let ukGB = RegionRecord(region: .uk, countries: ["GB"])
let usOnly = RegionRecord(region: .us)

/// The moment tests pretend it is.
let testNow: Int64 = 1_750_000_000_000
