import Foundation
import GRDB
import Store
import Tokenization

/// A tokenizer of the `tokenizers` table (Tokenization stage), seen as a snapshot tokenizer:
/// its identity is the SHA-256 of its tokenizer.json, `<s>` and `</s>` are looked up by name.
/// The name "bytes" gives the built-in `ByteTokenizer` instead.
///
///     let tokenizer = try StoredTokenizer.load(name: "bpe-8192", in: db)
///     let ids = tokenizer.encode("hello")
public struct StoredTokenizer: SnapshotTokenizer {
    let tokenizer: Tokenizer
    public let name: String
    public let identity: String
    public let bosId: Int32
    public let eosId: Int32

    public var vocabSize: Int { tokenizer.vocabularySize }
    public func encode(_ text: String) -> [Int32] { tokenizer.encode(text).map { Int32(bitPattern: $0) } }

    /// "bytes", or the name of a tokenizer in the database.
    public static func load(name: String, in db: Database) throws -> SnapshotTokenizer {
        if name == ByteTokenizer().name { return ByteTokenizer() }
        guard let record = try TokenizerRepository.tokenizer(named: name, in: db) else {
            throw StoredTokenizerError.unknown(name: name)
        }
        let tokenizer = try Tokenizer(json: Array(record.json.utf8), origin: "tokenizers.\(name)")
        func id(_ token: String) throws -> Int32 {
            guard let index = tokenizer.tokens.firstIndex(of: token) else { throw StoredTokenizerError.missingSpecial(name: name, token: token) }
            return Int32(index)
        }
        return StoredTokenizer(tokenizer: tokenizer, name: name, identity: record.sha256, bosId: try id("<s>"), eosId: try id("</s>"))
    }
}

/// A tokenizer a snapshot cannot use.
///
///     catch let error as StoredTokenizerError { print(error.localizedDescription) }
public enum StoredTokenizerError: Error, LocalizedError, Equatable {
    case unknown(name: String)
    case missingSpecial(name: String, token: String)

    public var errorDescription: String? {
        switch self {
        case .unknown(let name): return "no tokenizer \"\(name)\"; train or import one with `ipt tokenizer`, or use the built-in \"bytes\"."
        case .missingSpecial(let name, let token): return "tokenizer \"\(name)\" has no \(token) token; snapshots need <s> and </s>."
        }
    }
}
