import ProviderInterface
import Testing

@Suite("JSON")
struct JSONTests {
    @Test("numbers keep their exact text")
    func numbersAsText() throws {
        let value = try JSONParser.parse(#"{"a": 0.15, "b": 3.5e-7, "c": -1, "d": 12345678901234567890}"#)
        #expect(value["a"]?.numberText == "0.15")
        #expect(value["b"]?.numberText == "3.5e-7")
        #expect(value["c"]?.intValue == -1)
        #expect(value["d"]?.numberText == "12345678901234567890")
        #expect(JSONWriter.string(value) == #"{"a":0.15,"b":3.5e-7,"c":-1,"d":12345678901234567890}"#)
    }

    @Test("strings with escapes and unicode round-trip")
    func strings() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\n", "\u00e9\ud83d\ude00", "tab\there"]"#)
        #expect(value.arrayValue?[0].stringValue == "a\"b\\c\n")
        #expect(value.arrayValue?[1].stringValue == "é😀")
        let again = try JSONParser.parse(JSONWriter.string(value))
        #expect(again == value)
    }

    @Test("the writer escapes quotes, backslashes and control bytes, and copies everything else as it is")
    func writerEscapes() {
        let text = "plain \"quoted\" back\\slash\nline\ttab\u{01}\u{1f} é😀 end"
        #expect(JSONWriter.string(.string(text)) == #""plain \"quoted\" back\\slash\nline\ttab\u0001\u001f é😀 end""#)
        #expect(JSONWriter.string(.string("")) == #""""#)
        #expect(JSONWriter.string(.string("\"")) == #""\"""#)
        let long = String(repeating: "abcdefgh", count: 200) + "\n"
        #expect(JSONWriter.string(.string(long)) == "\"" + String(repeating: "abcdefgh", count: 200) + "\\n\"")
    }

    @Test(
        "malformed documents report the byte offset",
        arguments: ["{", "[1,]", "{\"a\" 1}", "nul", "[1] x", "\"abc", "01", "-", "{\"a\":1,}"])
    func malformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("deep nesting is refused, not a crash")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("object keys keep document order; later duplicates win")
    func order() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"z":3}"#)
        #expect(value.objectValue?.keys == ["z", "a"])
        #expect(value["z"]?.intValue == 3)
    }
}
