import ProviderInterface

import HTTPServer

extension SimulatorCore {
    /// The fields `expand[]` can ask for, in the order they are written.
    static let expandableFields = [
        "pipeline_tag", "downloads", "likes", "tags", "gated", "library_name", "safetensors",
        "inferenceProviderMapping",
    ]

    /// `GET /api/models`: a bare JSON array, paginated only through the `Link` header.
    func hubListing(_ request: RecordedRequest, _ snapshot: Snapshot) -> SimulatedResponse {
        let items = request.queryItems
        func last(_ name: String) -> String? { items.last { $0.name == name }?.value }
        let expand = Self.expandSet(items)
        var limit = 1000
        if let text = last("limit") {
            guard let value = Int(text), value > 0 else { return .json(#"{"error":"Invalid limit"}"#, status: 400) }
            limit = min(value, 1000)
        }
        var offset = 0
        if let cursor = last("cursor") {
            guard let decoded = Self.decodeCursor(cursor) else {
                return .json(#"{"error":"Invalid cursor"}"#, status: 400)
            }
            offset = decoded
        }
        let provider = last("inference_provider")
        let tag = last("pipeline_tag")
        let search = last("search")?.lowercased()
        let author = last("author")
        let models = snapshot.fixtures.hubModels
        let filterKey = "p=\(provider ?? "")|t=\(tag ?? "")|s=\(search ?? "")|a=\(author ?? "")"
        let matches = cachedIndices(filterKey, generation: snapshot.generation) {
            let wanted = provider.map { Set($0.split(separator: ",").map { String($0) }) }
            var indices: [Int] = []
            for (i, model) in models.enumerated() {
                if let wanted {
                    if wanted.contains("all") {
                        if model.mappings.isEmpty { continue }
                    } else if !model.mappings.contains(where: { wanted.contains($0.provider) }) {
                        continue
                    }
                }
                if let tag, model.pipelineTag != tag { continue }
                if let author, !model.id.hasPrefix(author + "/") { continue }
                if let search, !model.id.lowercased().contains(search) { continue }
                indices.append(i)
            }
            return indices
        }
        let end = min(matches.count, offset + limit)
        let body = cachedBody("hub?" + request.query, generation: snapshot.generation) {
            var out = JSONOutput(capacity: max(2, end - offset) * 360)
            out.beginArray()
            if offset < end {
                for index in matches[offset..<end] {
                    Self.renderHubModel(models[index], expand: expand, mappingAsDict: false, into: &out)
                }
            }
            out.endArray()
            return out.bytes
        }
        var headers: [(String, String)] = []
        if end < matches.count {
            var parts = request.query.split(separator: "&").filter { !$0.hasPrefix("cursor=") && $0 != "cursor" }.map(
                String.init)
            parts.append("cursor=" + Self.encodeCursor(end))
            headers.append(("Link", "<\(baseURL)/api/models?\(parts.joined(separator: "&"))>; rel=\"next\""))
        }
        return .json(bytes: body, headers: headers)
    }

    /// `GET /api/models/{org}/{name}`: one model, `inferenceProviderMapping` as a dict keyed by provider;
    /// 307 to the new path for a renamed repository.
    func hubModelInfo(_ request: RecordedRequest, id: String, _ snapshot: Snapshot) -> SimulatedResponse {
        let fixtures = snapshot.fixtures
        if let newID = fixtures.renamedModels[id] {
            let location = "/api/models/" + newID + (request.query.isEmpty ? "" : "?" + request.query)
            return .text(
                "Temporary Redirect. Redirecting to \(location)", status: 307, headers: [("Location", location)])
        }
        guard let model = fixtures.hubModels.first(where: { $0.id == id }) else {
            return .json(#"{"error":"Repository not found"}"#, status: 404, headers: [("X-Error-Code", "RepoNotFound")])
        }
        var out = JSONOutput(capacity: 512)
        Self.renderHubModel(model, expand: Self.expandSet(request.queryItems), mappingAsDict: true, into: &out)
        return .json(bytes: out.bytes)
    }

    /// The requested `expand[]`/`expand` fields (comma lists accepted); `nil` when none was asked.
    static func expandSet(_ items: [(name: String, value: String)]) -> Set<String>? {
        var fields: Set<String> = []
        var asked = false
        for item in items where item.name == "expand[]" || item.name == "expand" {
            asked = true
            for field in item.value.split(separator: ",") { fields.insert(String(field)) }
        }
        return asked ? fields : nil
    }

    /// One model; with `expand` only those fields plus `_id` and `id`, else the Hub's default
    /// fields (which do not include `inferenceProviderMapping`).
    static func renderHubModel(_ model: HubModel, expand: Set<String>?, mappingAsDict: Bool, into out: inout JSONOutput)
    {
        out.beginObject()
        out.field("_id", model.objectID ?? objectID(for: model.id))
        out.field("id", model.id)
        guard let expand else {
            out.field("likes", int: model.likes)
            out.field("private", bool: false)
            out.field("downloads", int: model.downloads)
            out.key("tags")
            out.strings(model.tags)
            if let tag = model.pipelineTag { out.field("pipeline_tag", tag) }
            if let library = model.libraryName { out.field("library_name", library) }
            out.field("modelId", model.id)
            out.endObject()
            return
        }
        for field in expandableFields where expand.contains(field) {
            switch field {
            case "pipeline_tag": if let tag = model.pipelineTag { out.field("pipeline_tag", tag) }
            case "downloads": out.field("downloads", int: model.downloads)
            case "likes": out.field("likes", int: model.likes)
            case "tags":
                out.key("tags")
                out.strings(model.tags)
            case "gated":
                out.key("gated")
                if let gated = model.gated { out.string(gated) } else { out.bool(false) }
            case "library_name": if let library = model.libraryName { out.field("library_name", library) }
            case "safetensors":
                guard let parameters = model.parameters else { continue }
                out.key("safetensors")
                out.beginObject()
                out.key("parameters")
                out.beginObject()
                out.field("BF16", int: Int(parameters))
                out.endObject()
                out.field("total", int: Int(parameters))
                out.endObject()
            default:
                out.key("inferenceProviderMapping")
                mappingAsDict
                    ? renderMappingDict(model.mappings, into: &out) : renderMappingList(model.mappings, into: &out)
            }
        }
        out.endObject()
    }

    private static func renderMappingList(_ mappings: [ProviderMapping], into out: inout JSONOutput) {
        out.beginArray()
        for mapping in mappings {
            out.beginObject()
            out.field("provider", mapping.provider)
            renderMappingFields(mapping, into: &out)
            out.endObject()
        }
        out.endArray()
    }

    private static func renderMappingDict(_ mappings: [ProviderMapping], into out: inout JSONOutput) {
        out.beginObject()
        for mapping in mappings {
            out.key(mapping.provider)
            out.beginObject()
            renderMappingFields(mapping, into: &out)
            out.endObject()
        }
        out.endObject()
    }

    private static func renderMappingFields(_ mapping: ProviderMapping, into out: inout JSONOutput) {
        out.field("providerId", mapping.providerId)
        out.field("status", mapping.status)
        out.field("task", mapping.task)
        if let adapter = mapping.adapter { out.field("adapter", adapter) }
        if let path = mapping.adapterWeightsPath { out.field("adapterWeightsPath", path) }
        if let type = mapping.type { out.field("type", type) }
    }

    /// A stable 24-hex-digit object id derived from the repository id.
    static func objectID(for id: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in id.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 7
        }
        let high = String(a, radix: 16)
        let low = String(b & 0xFFFF_FFFF, radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 8 - low.count)
            + low
    }

    static func encodeCursor(_ offset: Int) -> String { Base64URL.encode(Array("{\"$offset\":\(offset)}".utf8)) }

    static func decodeCursor(_ cursor: String) -> Int? {
        guard let bytes = Base64URL.decode(cursor) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("{\"$offset\":"), text.hasSuffix("}") else { return nil }
        return Int(text.dropFirst(11).dropLast()).flatMap { $0 >= 0 ? $0 : nil }
    }
}
