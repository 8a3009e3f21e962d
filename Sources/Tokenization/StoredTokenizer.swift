import Foundation
import GRDB

/// A tokenizer of the `tokenizers` table as the pipeline uses it: its identity is the SHA-256
/// of its tokenizer.json, `<s>` and `</s>` are looked up by name. The name "bytes" gives the
/// built-in `ByteTokenizer` instead.
///
///     let tokenizer = try StoredTokenizer.load(name: "bpe-8192", in: db)
///     let ids = tokenizer.encode("hello")
public struct StoredTokenizer: TextTokenizer {
    let tokenizer: Tokenizer
    public let name: String
    public let identity: String
    public let bosId: Int32?
    public let eosId: Int32?

    public var vocabSize: Int { tokenizer.vocabularySize }
    public func encode(_ text: String) -> [Int32] { tokenizer.encode(text).map { Int32(bitPattern: $0) } }

    /// "bytes", or the name of a tokenizer in the database; it must have `<s>` and `</s>`.
    public static func load(name: String, in db: Database) throws -> any TextTokenizer {
        if name == ByteTokenizer().name { return ByteTokenizer() }
        guard let record = try TokenizerRepository.tokenizer(named: name, in: db) else {
            throw TokenizerError.unknownStoredTokenizer(name: name)
        }
        let tokenizer = try Tokenizer(json: Array(record.json.utf8), origin: "tokenizers.\(name)")
        guard let bos = tokenizer.tokens.firstIndex(of: "<s>"), let eos = tokenizer.tokens.firstIndex(of: "</s>") else {
            throw TokenizerError.missingSpecialTokens(name: name)
        }
        return StoredTokenizer(tokenizer: tokenizer, name: name, identity: record.sha256, bosId: Int32(bos), eosId: Int32(eos))
    }
}
