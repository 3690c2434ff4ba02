import HTTPServer
import ProviderInterface

/// JSON response helpers.
enum JSONResponse {
    /// `value` as an `application/json` response.
    static func make(_ value: JSONValue, status: Int = 200, headers: [(name: String, value: String)] = [])
        -> ServerResponse
    {
        ServerResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, bytes: JSONWriter.bytes(value))
    }

    /// The request body as a JSON object, or a 400.
    static func object(_ body: [UInt8]) throws(APIError) -> JSONObject {
        guard !body.isEmpty else { throw APIError.badRequest("the request body is empty; send a JSON object") }
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch {
            throw APIError.badRequest("the request body is not valid JSON: \(error)")
        }
        guard let object = value.objectValue else {
            throw APIError.badRequest("the request body must be a JSON object")
        }
        return object
    }
}
