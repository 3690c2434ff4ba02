#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Parses the HTTP date of a `Retry-After` header (RFC 9110 IMF-fixdate,
/// `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete RFC 850 form with a two-digit year).
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The date, or `nil` when the text is not an HTTP date.
    static func parse(_ text: String) -> Date? {
        // Drop the weekday ("Sun," / "Sunday,"), then split "06 Nov 1994 08:49:37 GMT" or "06-Nov-94 08:49:37 GMT".
        var rest = Substring(text)
        if let comma = rest.firstIndex(of: ",") { rest = rest[rest.index(after: comma)...] }
        let fields = rest.split(whereSeparator: { $0 == " " || $0 == "-" })
        guard fields.count == 5, fields[4].uppercased() == "GMT",
            let day = Int(fields[0]), (1...31).contains(day),
            let monthIndex = months.firstIndex(of: fields[1].lowercased()),
            var year = Int(fields[2])
        else { return nil }
        if fields[2].count == 2 { year += year < 70 ? 2000 : 1900 }
        let time = fields[3].split(separator: ":")
        guard time.count == 3, let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            (0..<24).contains(hour), (0..<60).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
