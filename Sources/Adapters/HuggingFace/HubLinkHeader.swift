/// Reads the `Link` header the Hub paginates with:
/// `<https://huggingface.co/api/models?…&cursor=eyJ…>; rel="next"` (RFC 8288; several links
/// may be separated by commas, and URLs may themselves contain commas).
enum HubLinkHeader {
    /// The target of the `rel="next"` link, verbatim; `nil` when there is none.
    static func next(_ value: String) -> String? {
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return nil }
            let target = rest[rest.index(after: open)..<close]
            // Parameters run to the next "<" (the next link) or the end.
            let paramsEnd = rest[close...].firstIndex(of: "<") ?? rest.endIndex
            let params = rest[rest.index(after: close)..<paramsEnd]
            if isNext(params) { return String(target) }
            rest = rest[paramsEnd...]
        }
        return nil
    }

    /// Whether the parameters carry `rel="next"` (or `rel=next`, or `next` in a list of relations).
    private static func isNext(_ params: Substring) -> Bool {
        for param in params.split(separator: ";") {
            let parts = param.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, OpenAIChatText.trimmed(parts[0]).lowercased() == "rel" else { continue }
            var relation = OpenAIChatText.trimmed(parts[1])
            if relation.hasSuffix(",") { relation.removeLast() }
            relation = String(relation.filter { $0 != "\"" })
            if relation.split(separator: " ").contains(where: { $0.lowercased() == "next" }) { return true }
        }
        return false
    }
}
