/// Parses and prints durations such as `1h`, `90s`, `500ms`, `1h30m`, `7d`.
public enum DurationText {
    /// Milliseconds in `text`, or `nil` when it is not a duration. Units: `ms`, `s`, `m`,
    /// `h`, `d`; parts may be joined (`1h30m`). A bare number is seconds.
    public static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Int64(trimmed), seconds >= 0 { return seconds * 1000 }
        var total: Int64 = 0
        var number: Int64? = nil
        var chars = Array(trimmed)
        chars.append(" ")
        var i = 0
        while i < chars.count - 1 {
            let c = chars[i]
            if let digit = c.wholeNumberValue, c.isASCII {
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(digit))
                if o1 || o2 { return nil }
                number = a
                i += 1
                continue
            }
            guard let n = number else { return nil }
            let factor: Int64
            if c == "m", chars[i + 1] == "s" {
                factor = 1
                i += 2
            } else {
                switch c {
                case "s": factor = 1000
                case "m": factor = 60_000
                case "h": factor = 3_600_000
                case "d": factor = 86_400_000
                default: return nil
                }
                i += 1
            }
            let (p, o) = n.multipliedReportingOverflow(by: factor)
            if o { return nil }
            total += p
            number = nil
        }
        return number == nil ? total : nil
    }

    /// A short form of `ms`: `1h`, `1h30m`, `45s`, `250ms`.
    public static func format(milliseconds ms: Int64) -> String {
        if ms == 0 { return "0s" }
        if ms % 1000 != 0 { return ms < 1000 ? "\(ms)ms" : "\(ms)ms" }
        var seconds = ms / 1000
        var parts = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= size {
            parts += "\(seconds / size)\(unit)"
            seconds %= size
        }
        return parts
    }
}
