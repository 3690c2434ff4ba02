/// Canonical GPU model names, so one `--gpu H100` finds the same card from every source.
///
/// Sources name GPUs differently (`NVIDIA H100 80GB HBM3`, `H100 SXM`, `H100NVL`, `nvidia-l4`,
/// `RTX 4090`). The canonical name is upper case with variants after a dash (`H100-SXM`,
/// `H100-PCIE`, `H100-NVL`, `A100-80GB`); a query matches a model equal to it or one of its
/// variants (`H100` matches `H100-SXM`, never `H1000`; `L4` never matches `L40S`).
public enum GPUModelName {
    /// The canonical name of `raw`; `memoryGiB` (per GPU) tells A100 40 GB from 80 GB.
    public static func canonical(_ raw: String, memoryGiB: Int? = nil) -> String {
        var words = raw.uppercased()
            .split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" || $0 == "/" })
            .map(String.init)
            .filter { !["NVIDIA", "GEFORCE", "TESLA", "AMD", "INSTINCT"].contains($0) }
        // Memory sizes written into the name (`80GB`, `HBM3`) are not part of the model.
        words.removeAll { ($0.hasSuffix("GB") && $0.dropLast(2).allSatisfy(\.isNumber)) || $0.hasPrefix("HBM") }
        let joined = words.joined()
        for family in ["H100", "H200", "GH200", "B200", "A100"] where joined.hasPrefix(family) {
            let rest = String(joined.dropFirst(family.count))
            if family == "H100" {
                if rest.contains("NVL") { return "H100-NVL" }
                if rest.contains("PCIE") { return "H100-PCIE" }
                if rest.contains("SXM") { return "H100-SXM" }
                return "H100"
            }
            if family == "A100" {
                let memory = memoryGiB ?? Int(rawMemory(raw) ?? 0)
                if memory >= 70 { return "A100-80GB" }
                if memory >= 30 { return "A100-40GB" }
                return "A100"
            }
            if family == "H200", rest.contains("NVL") { return "H200-NVL" }
            return family
        }
        return joined
    }

    /// Whether `model` (canonical) answers a `--gpu` query: the same model or one of its variants.
    public static func matches(_ model: String, query: String) -> Bool {
        let wanted = canonicalQuery(query)
        return model == wanted || model.hasPrefix(wanted + "-")
    }

    /// A query in canonical form, without guessing a variant it did not name.
    public static func canonicalQuery(_ query: String) -> String {
        let upper = query.uppercased()
        // `A100` alone means every A100; `A100 80GB` means that variant.
        if upper.contains("A100"), rawMemory(query) == nil { return "A100" }
        return canonical(query)
    }

    /// Nominal memory per GPU in GiB for models whose sources do not publish it.
    public static let nominalMemoryGiB: [String: Int] = [
        "H100": 80, "H100-SXM": 80, "H100-PCIE": 80, "H100-NVL": 94, "H200": 141, "H200-NVL": 141, "GH200": 96,
        "B200": 180, "A100-80GB": 80, "A100-40GB": 40, "L40S": 48, "L40": 48, "L4": 24, "A10": 24, "A10G": 24,
        "RTX4090": 24, "RTX5090": 32, "RTX3090": 24, "RTXA6000": 48, "A6000": 48, "RTX6000ADA": 48, "A40": 48,
        "T4": 16, "V100": 16, "MI300X": 192, "P100": 16, "RTXPRO6000": 96,
    ]

    /// Snaps a measured size (a Vast card's 24564 MB) to the model's nominal GiB when within 7 %,
    /// else rounds it to whole GiB.
    public static func snapMemory(mebibytes: Int, model: String) -> Int {
        // Beyond any card (1 PiB): rounded without the arithmetic below, which could overflow.
        guard (0...(1 << 30)).contains(mebibytes) else { return mebibytes / 1024 }
        let measured = (mebibytes + 512) / 1024
        if let nominal = nominalMemoryGiB[model], abs(mebibytes - nominal * 1024) * 100 <= nominal * 1024 * 7 {
            return nominal
        }
        return measured
    }

    /// `80` from `A100-80GB` or `NVIDIA A100 80GB`, when the name carries a size.
    static func rawMemory(_ raw: String) -> Int? {
        let upper = Array(raw.uppercased().utf8)
        guard upper.count >= 3 else { return nil }
        var i = 0
        while i < upper.count {
            if upper[i] >= 0x30, upper[i] <= 0x39 {
                var j = i
                var n = 0
                while j < upper.count, upper[j] >= 0x30, upper[j] <= 0x39 {
                    // Saturates: a run of digits too long to be a size must not trap.
                    n = n < 1_000_000_000 ? n * 10 + Int(upper[j] - 0x30) : Int.max
                    j += 1
                }
                if j + 1 < upper.count, upper[j] == 0x47, upper[j + 1] == 0x42, i > 0,
                    !(upper[i - 1] >= 0x41 && upper[i - 1] <= 0x5A)
                {
                    return n == Int.max ? nil : n
                }
                i = j
            } else {
                i += 1
            }
        }
        return nil
    }
}
