import JSONLines
import Testing

@Suite struct JSONParserTests {
    @Test func parsesObjectsWithEveryValueKind() throws {
        let value = try JSONParser.parse(#" {"s": "a\"b\\c\/d\n\t", "n": -12.5e3, "i": 42, "t": true, "f": false, "z": null, "a": [1, [], {}]} "#)
        #expect(value["s"]?.stringValue == "a\"b\\c/d\n\t")
        #expect(value["n"]?.numberText == "-12.5e3")
        #expect(value["i"]?.intValue == 42)
        #expect(value["t"]?.boolValue == true)
        #expect(value["f"]?.boolValue == false)
        #expect(value["z"] == .null)
        #expect(value["a"]?.arrayValue?.count == 3)
    }

    @Test func decodesUnicodeEscapesIncludingSurrogatePairs() throws {
        let value = try JSONParser.parse(#"{"t": "\u00e9\u4e2d\ud83d\ude00 raw é😀"}"#)
        #expect(value["t"]?.stringValue == "é中😀 raw é😀")
    }

    @Test func lastRepeatedKeyWins() throws {
        #expect(try JSONParser.parse(#"{"k": 1, "k": 2}"#)["k"]?.intValue == 2)
    }

    @Test(arguments: [
        (#"{"a": 1"#, "expected ',' or '}'"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"{"a": 01}"#, "expected ',' or '}'"),
        (#"{"a": "x}"#, "unterminated string"),
        (#"{"a": "\x"}"#, "invalid escape"),
        (#"{"a": "\ud800"}"#, "lone high surrogate"),
        (#"{"a": "\udc00"}"#, "lone low surrogate"),
        (#"{"a": tru}"#, "invalid literal"),
        (#"{"a": 1} x"#, "after the JSON value"),
        ("", "empty line"),
        ("{\"a\": \"\u{01}\"}", "unescaped control character"),
        (#"{a: 1}"#, "quoted member name"),
        (#"[1, 2,]"#, "expected a value"),
    ])
    func rejectsMalformedJSONWithAMessage(input: String, expected: String) {
        #expect {
            _ = try JSONParser.parse(input)
        } throws: { error in
            guard let syntax = error as? JSONParser.SyntaxError else { return false }
            return syntax.message.contains(expected)
        }
    }

    @Test func rejectsInvalidUTF8InsideStrings() {
        var bytes = Array(#"{"t": "ab"#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#""}"#.utf8)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(line: bytes) }
    }

    @Test func rejectsExcessiveNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(deep) }
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesWhatJSONRequiresAndRoundTrips() throws {
        let text = "quote \" backslash \\ newline \n tab \t cr \r nul \u{0} bell \u{7} é 中 😀"
        var writer = JSONWriter()
        writer.object { o in
            o.member("text") { $0.string(text) }
            o.member("n") { $0.integer(-3) }
            o.member("ids") { $0.array(ofIntegers: [1, 2, 3]) }
        }
        let line = String(decoding: writer.bytes, as: UTF8.self)
        #expect(line.hasPrefix(#"{"text":"quote \" backslash \\ newline \n tab \t cr \r nul \u0000 bell \u0007 é"#))
        #expect(line.hasSuffix(#","n":-3,"ids":[1,2,3]}"#))
        let parsed = try JSONParser.parse(line: writer.bytes)
        #expect(parsed["text"]?.stringValue == text)
    }

    @Test func writesParsedValuesBackUnchanged() throws {
        let source = #"{"a":[1,2.5e-3,"x",null,true],"b":{"c":{}}}"#
        var writer = JSONWriter()
        writer.value(try JSONParser.parse(source))
        #expect(String(decoding: writer.bytes, as: UTF8.self) == source)
    }
}
