import Crypto
import Foundation
import Store

/// What a snapshot needs from a tokenizer: text → ids, the `<s>`/`</s>` ids, the vocabulary
/// size and an identity (the SHA-256 of its definition, e.g. of tokenizer.json) that goes
/// into the manifest hash. The Tokenization target's BPE tokenizer satisfies it.
///
///     let tokenizer = ByteTokenizer()
///     let ids = tokenizer.encode("hello")
///     print(tokenizer.identity)
public protocol SnapshotTokenizer {
    func encode(_ text: String) -> [Int32]
    var bosId: Int32 { get }
    var eosId: Int32 { get }
    var vocabSize: Int { get }
    /// A short name for people ("bytes", "bpe-8192").
    var name: String { get }
    /// The SHA-256 (hex) of the tokenizer's full definition.
    var identity: String { get }
}

/// A byte-level tokenizer with no merges: `<s>` = 0, `</s>` = 1, `<unk>` = 2, byte b = 3 + b
/// (vocabulary 259). Useful for small end-to-end runs and tests that need no trained tokenizer.
///
///     let ids = ByteTokenizer().encode("hi")   // [107, 108]
public struct ByteTokenizer: SnapshotTokenizer, Sendable {
    public init() {}
    public func encode(_ text: String) -> [Int32] { text.utf8.map { Int32($0) + 3 } }
    public func decode(_ ids: [Int32]) -> String {
        String(decoding: ids.filter { $0 >= 3 && $0 < 259 }.map { UInt8($0 - 3) }, as: UTF8.self)
    }
    public var bosId: Int32 { 0 }
    public var eosId: Int32 { 1 }
    public var vocabSize: Int { 259 }
    public var name: String { "bytes" }
    public var identity: String {
        Hex.sha256(Data("instructpt byte tokenizer v1: <s>=0 </s>=1 <unk>=2 byte=3+b".utf8))
    }
}
