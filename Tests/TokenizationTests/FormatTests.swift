import Foundation
import Testing
@testable import Tokenization

@Suite struct FormatTests {
    @Test func writtenJSONReadsBackIdentically() throws {
        let tokenizer = try trainedTokenizer()
        let json = try tokenizer.jsonText()
        let reloaded = try Tokenizer(json: Array(json.utf8), origin: "round trip")
        #expect(reloaded.vocabulary.map { "\($0.token) \($0.id)" } == tokenizer.vocabulary.map { "\($0.token) \($0.id)" })
        #expect(reloaded.mergeList.map { $0.0 + " " + $0.1 } == tokenizer.mergeList.map { $0.0 + " " + $0.1 })
        #expect(reloaded.addedTokens == tokenizer.addedTokens)
        for text in edgeCases + sampleTexts {
            #expect(reloaded.encode(text) == tokenizer.encode(text))
        }
        #expect(try reloaded.jsonText() == json)
    }

    @Test func mergesAsStringsOrPairsAreTheSame() throws {
        let tokenizer = try trainedTokenizer()
        let pairs = try tokenizer.jsonText()
        var strings = pairs
        for (left, right) in tokenizer.mergeList {
            func quoted(_ s: String) -> String {
                String(decoding: try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes]), as: UTF8.self)
                    .dropFirst().dropLast().description
            }
            strings = strings.replacingOccurrences(of: "[\(quoted(left)), \(quoted(right))]", with: quoted(left + " " + right))
        }
        #expect(strings != pairs)
        let reloaded = try Tokenizer(json: Array(strings.utf8), origin: "string merges")
        #expect(reloaded.mergeList.count == tokenizer.mergeList.count)
        for text in sampleTexts { #expect(reloaded.encode(text) == tokenizer.encode(text)) }
    }

    @Test func sentencePieceStyleTokenizersEncodeWithByteFallback() throws {
        for legacy in [true, false] {
            let tokenizer = try Tokenizer(json: Array(sentencePieceJSON(legacyNormalizer: legacy).utf8), origin: "sp.json")
            #expect(tokenizer.kind == .sentencePieceBPE)
            // "hello hi" → "▁hello▁hi": merges build ▁hello (270) and ▁hi (266).
            #expect(tokenizer.encode("hello hi") == [270, 266])
            // é is not in the vocabulary: its UTF-8 bytes C3 A9 become <0xC3> <0xA9>.
            #expect(tokenizer.encode("hi é") == [266, 259, 3 + 0xC3, 3 + 0xA9])
            #expect(tokenizer.encode("hi", addSpecialTokens: true) == [1, 266])
            // A space followed by a combining mark is still a space (code points, not graphemes).
            #expect(tokenizer.encode("hi \u{301}") == [266, 259, 3 + 0xCC, 3 + 0x81])
            #expect(tokenizer.encode("<s>hi</s>") == (legacy ? [1, 266, 2] : [1, 260, 261, 2]))
            #expect(try tokenizer.decode(tokenizer.encode("hello hi é")) == "hello hi é")
        }
    }

    @Test func unsupportedFieldsAreNamed() throws {
        let base = try trainedTokenizer(vocabularySize: 300).jsonText()
        func error(_ json: String) -> String {
            do {
                _ = try Tokenizer(json: Array(json.utf8), origin: "bad.json")
                return "no error"
            } catch {
                return error.localizedDescription
            }
        }
        #expect(error(base.replacingOccurrences(of: "\"type\": \"BPE\"", with: "\"type\": \"WordPiece\"")).contains("model.type \"WordPiece\""))
        #expect(error(base.replacingOccurrences(of: "\"type\": \"ByteLevel\", \"add_prefix_space\": false",
                                                with: "\"type\": \"BertPreTokenizer\", \"add_prefix_space\": false"))
                    .contains("pre_tokenizer.type \"BertPreTokenizer\""))
        #expect(error(base.replacingOccurrences(of: "\"lstrip\": false", with: "\"lstrip\": true")).contains("added_tokens[0].lstrip"))
        #expect(error(base.replacingOccurrences(of: "\"normalizer\": null", with: "\"normalizer\": {\"type\": \"NFKC\"}"))
                    .contains("normalizer.type \"NFKC\""))
        #expect(error(base.replacingOccurrences(of: "\"truncation\": null", with: "\"truncation\": {}")).contains("truncation"))
        #expect(error("{\"model\": ").contains("bad.json: not valid JSON"))
        #expect(error("{}").contains("field \"model\" is missing"))
        #expect(error(base.replacingOccurrences(of: "\"merges\": [\n      [\"", with: "\"merges\": [\n      [\"zz\", \"q\"], [\""))
                    .contains("model.merges[0]"))
    }
}
