/// One shard file of a snapshot's packed tokens, as `snapshot_shards` records it: a Megatron
/// indexed dataset (`path` + `.bin` / `.idx`, one document per packed sequence) holding the
/// tokens `firstToken ..< firstToken + tokenCount` of the snapshot's stream. `sha256` is the
/// SHA-256 of the `.bin` file and also its name, so equal shards are stored once.
///
///     let shard = TokenShard(position: 0, prefix: "demo.shards/3fa…-uint16-256", byteCount: 1024,
///                            firstToken: 0, tokenCount: 512, sha256: "3fa…", dtype: .uint16)
///     print(shard.binPath(relativeTo: "/data"))
public struct TokenShard: Equatable, Sendable {
    /// How tokens are stored: little-endian uint16 when every id is below 65536, else int32
    /// (Megatron's dtype codes 8 and 4).
    public enum DType: String, Sendable, CaseIterable {
        case uint16, int32

        public static func forVocabulary(_ vocabSize: Int) -> DType { vocabSize <= 65_536 ? .uint16 : .int32 }
        public var width: Int { self == .uint16 ? 2 : 4 }
        /// megatron/core/datasets/indexed_dataset.py, DType.
        public var megatronCode: UInt8 { self == .uint16 ? 8 : 4 }
    }

    public var position: Int
    /// The path without extension, relative to the database's directory unless absolute.
    public var prefix: String
    public var byteCount: Int
    public var firstToken: Int
    public var tokenCount: Int
    public var sha256: String
    public var dtype: DType

    public init(position: Int, prefix: String, byteCount: Int, firstToken: Int, tokenCount: Int, sha256: String, dtype: DType) {
        self.position = position
        self.prefix = prefix
        self.byteCount = byteCount
        self.firstToken = firstToken
        self.tokenCount = tokenCount
        self.sha256 = sha256
        self.dtype = dtype
    }

    /// The file name stem: the content hash, the dtype and the sequence length (the `.idx`
    /// depends on the last two, so shards with the same bytes but another cut are kept apart).
    static func stem(sha256: String, dtype: DType, sequenceLength: Int) -> String { "\(sha256)-\(dtype.rawValue)-\(sequenceLength)" }

    public func resolvedPrefix(relativeTo base: String) -> String { Self.resolve(prefix: prefix, relativeTo: base) }
    static func resolve(prefix: String, relativeTo base: String) -> String { prefix.hasPrefix("/") ? prefix : base + "/" + prefix }
    public func binPath(relativeTo base: String) -> String { resolvedPrefix(relativeTo: base) + ".bin" }
    public func indexPath(relativeTo base: String) -> String { resolvedPrefix(relativeTo: base) + ".idx" }
}
