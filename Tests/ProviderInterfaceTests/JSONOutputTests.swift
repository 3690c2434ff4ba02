import ProviderInterface
import Testing

@Suite("JSONOutput writes what JSONWriter writes for the same document")
struct JSONOutputTests {
    @Test func nestedObjectsAndArraysGetTheirCommas() throws {
        var out = JSONOutput()
        out.beginObject()
        out.key("a")
        out.beginArray()
        out.integer(1)
        out.beginObject()
        out.endObject()
        out.beginArray()
        out.endArray()
        out.null()
        out.endArray()
        out.key("b \"quoted\"")
        out.string("line\nbreak")
        out.key("c")
        out.bool(false)
        out.key("d")
        out.value(["x": .number("1.5"), "y": [true, nil]])
        out.endObject()
        let tree: JSONValue = [
            "a": [1, [:], [], nil], "b \"quoted\"": "line\nbreak", "c": false,
            "d": ["x": .number("1.5"), "y": [true, nil]],
        ]
        #expect(String(decoding: out.bytes, as: UTF8.self) == JSONWriter.string(tree))
        #expect(try JSONParser.parse(out.bytes) == tree)
    }

    @Test func integersAreWrittenExactly() {
        for value: Int64 in [0, 7, -7, 10, 1_000_000, -1_000_000_007, .max, .min] {
            var out = JSONOutput()
            out.integer(value)
            #expect(String(decoding: out.bytes, as: UTF8.self) == String(value))
        }
        var out = JSONOutput()
        out.beginArray()
        out.integer(Int.min)
        out.integer(42)
        out.endArray()
        #expect(String(decoding: out.bytes, as: UTF8.self) == "[\(Int.min),42]")
    }
}
