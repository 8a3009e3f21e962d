import Foundation
import Testing
@testable import Tokenization

/// A tokenizer.json whose ids would size a table of tens of gigabytes is refused up front.
@Suite struct HostileTokenizerTests {
    /// A trained tokenizer's JSON with the id of `token` (in the vocab or added_tokens) replaced.
    func json(replacingId original: UInt32, with id: Int, addedToken: Bool) throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try trainedTokenizer().jsonText().utf8)) as? [String: Any])
        if addedToken {
            var added = try #require(object["added_tokens"] as? [[String: Any]])
            added[0]["id"] = id
            object["added_tokens"] = added
        } else {
            var model = try #require(object["model"] as? [String: Any])
            var vocab = try #require(model["vocab"] as? [String: Any])
            let token = try #require(vocab.first { ($0.value as? Int) == Int(original) }?.key)
            vocab[token] = id
            model["vocab"] = vocab
            object["model"] = model
        }
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    @Test(arguments: [false, true])
    func anIdNearTwoToTheThirtyTwoIsRefusedBeforeAllocating(addedToken: Bool) throws {
        for id in [Int(UInt32.max) - 1, 1 << 31, Tokenizer.maximumVocabularySize] {
            let bytes = try json(replacingId: 300, with: id, addedToken: addedToken)
            #expect {
                _ = try Tokenizer(json: bytes, origin: "big.json")
            } throws: { error in
                guard case let .invalidValue(origin, field, message)? = error as? TokenizerError else { return false }
                return origin == "big.json" && field.contains(addedToken ? "added_tokens" : "model.vocab") && message.contains("\(id)")
            }
        }
        // A sparse id under the bound is still read (gaps in the ids are not an error in themselves).
        _ = try Tokenizer(json: try json(replacingId: 300, with: 100_000, addedToken: addedToken), origin: "ok.json")
    }
}
