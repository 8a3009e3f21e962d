import Foundation
import JSONLines
import Store
import Tokenization

/// A Hugging Face tokenizer directory as transformers' `AutoTokenizer` sees it: `tokenizer.json`
/// for the ids, and `tokenizer_config.json` / `special_tokens_map.json` for which token is BOS
/// and EOS (the harness's `prefix_token_id`). Encoding with special tokens adds what the
/// tokenizer.json post-processor adds, as HF's `tokenizer.encode(text)` does.
///
///     let tokenizer = try HFTokenizer.load(path: "models/tiny/tokenizer.json")
///     tokenizer.encode("Paris", addSpecialTokens: true)
///     let scores = try Evaluator(model: model, tokenizer: tokenizer).evaluate(items: items)
public final class HFTokenizer: TextTokenizer {
    public let tokenizer: Tokenizer
    /// The tokenizer.json path.
    public let name: String
    /// The SHA-256 of the tokenizer.json bytes.
    public let identity: String
    public let bosId: Int32?
    public let eosId: Int32?
    /// The prefix token's text (BOS, else EOS), for the harness's `has_bos_prefix` rule.
    public let prefixTokenText: String?

    public init(tokenizer: Tokenizer, name: String, identity: String, beginningOfSequence: String?, endOfSequence: String?) {
        self.tokenizer = tokenizer
        self.name = name
        self.identity = identity
        func id(_ text: String?) -> Int32? {
            guard let text else { return nil }
            if let added = tokenizer.addedTokens.first(where: { $0.content == text }) { return Int32(added.id) }
            return tokenizer.id(of: text).map { Int32($0) }
        }
        bosId = id(beginningOfSequence)
        eosId = id(endOfSequence)
        // The harness compares strings with the decoded prefix token, which is EOS when there is no BOS.
        prefixTokenText = bosId != nil ? beginningOfSequence : (eosId != nil ? endOfSequence : nil)
    }

    /// Reads tokenizer.json at `path` and the special-token names beside it.
    public static func load(path: String) throws -> HFTokenizer {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw EvaluationError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        let tokenizer = try Tokenizer(json: Array(data), origin: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var bos: String?, eos: String?
        // tokenizer_config.json wins over special_tokens_map.json, as in transformers.
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            let file = directory + "/" + name
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            let json: JSONValue
            do { json = try JSONParser.parse(line: Array(bytes)) } catch {
                throw EvaluationError.invalidLine(path: file, line: 1, message: "invalid JSON at byte \(error.offset): \(error.message)")
            }
            bos = tokenName(json["bos_token"]) ?? bos
            eos = tokenName(json["eos_token"]) ?? eos
        }
        return HFTokenizer(tokenizer: tokenizer, name: path, identity: Hex.sha256(data), beginningOfSequence: bos, endOfSequence: eos)
    }

    /// A special token is written as a string or as {"content": "…", …}.
    private static func tokenName(_ value: JSONValue?) -> String? {
        value?.stringValue ?? value?["content"]?.stringValue
    }

    public var vocabSize: Int { tokenizer.vocabularySize }

    public func encode(_ text: String) -> [Int32] { encode(text, addSpecialTokens: false) }

    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        tokenizer.encode(text, addSpecialTokens: addSpecialTokens).map { Int32(bitPattern: $0) }
    }
}
