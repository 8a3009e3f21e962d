import Store

/// The tokenizer without merges: every UTF-8 byte is one token, id = byte + `offset`, and
/// special tokens take ids outside the bytes' range. Two of them have names:
/// - `ByteTokenizer()`, "bytes": `<s>` = 0, `</s>` = 1, `<unk>` = 2, byte b = 3 + b (vocabulary
///   259), for small end-to-end runs and tests that need no trained tokenizer;
/// - `ByteTokenizer.raw()`, "raw-bytes": token id = byte, optionally with a `<s>` above the
///   bytes (byte-level models such as ByT5; tests use it because its token boundaries are
///   obvious by hand).
///
///     ByteTokenizer().encode("hi")                                     // [107, 108]
///     ByteTokenizer().decode([0, 107, 108, 1])                         // "hi"
///     ByteTokenizer.raw(beginningOfSequence: 256)
///         .encode("hi", addSpecialTokens: true)                        // [256, 104, 105]
public struct ByteTokenizer: TextTokenizer, Sendable {
    /// The id of byte 0.
    public let offset: Int32
    public let bosId: Int32?
    public let eosId: Int32?
    public let name: String
    /// What `identity` hashes: the tokenizer's whole definition in words.
    private let definition: String

    /// The "bytes" tokenizer.
    public init() {
        self.init(offset: 3, bosId: 0, eosId: 1, name: "bytes",
                  definition: "instructpt byte tokenizer v1: <s>=0 </s>=1 <unk>=2 byte=3+b")
    }

    /// The "raw-bytes" tokenizer: token id = byte, with `<s>` = `beginningOfSequence` if given
    /// (at 256 or above, clear of the bytes).
    public static func raw(beginningOfSequence: Int32? = nil) -> ByteTokenizer {
        ByteTokenizer(offset: 0, bosId: beginningOfSequence, eosId: nil, name: "raw-bytes",
                      definition: "instructpt raw byte tokenizer v1: byte=b" + (beginningOfSequence.map { " <s>=\($0)" } ?? ""))
    }

    private init(offset: Int32, bosId: Int32?, eosId: Int32?, name: String, definition: String) {
        self.offset = offset
        self.bosId = bosId
        self.eosId = eosId
        self.name = name
        self.definition = definition
    }

    public func encode(_ text: String) -> [Int32] { text.utf8.map { Int32($0) + offset } }

    /// The text of the byte tokens among `ids`; special tokens are left out.
    public func decode(_ ids: [Int32]) -> String {
        String(decoding: ids.filter { $0 >= offset && $0 < offset + 256 }.map { UInt8($0 - offset) }, as: UTF8.self)
    }

    public var vocabSize: Int { Int(max(offset + 256, (bosId ?? 0) + 1, (eosId ?? 0) + 1)) }

    public var identity: String { Hex.sha256(definition) }
}
