import Foundation

/// A BPE tokenizer compatible with Hugging Face `tokenizers`: byte-level BPE (GPT-2 family,
/// what `ipt tokenizer train` makes) and SentencePiece-style BPE (Llama/Mistral: `▁` for
/// spaces, byte fallback). Encodes to the same ids HF gives for the same tokenizer.json.
///
///     let tokenizer = try Tokenizer(json: Array(try Data(contentsOf: url)), origin: url.path)
///     let ids = tokenizer.encode("Hello world")
///     try tokenizer.decode(ids)   // "Hello world"
///
/// Not thread-safe: it keeps a cache of encoded words. Use one instance per thread.
public final class Tokenizer {
    /// The model's vocabulary (not counting added tokens) as (token, id), in id order.
    public let vocabulary: [(token: String, id: UInt32)]
    /// Token (as exact UTF-8 bytes, never canonical-equivalence-folded) → id, model vocabulary only.
    let idOfBytes: [[UInt8]: UInt32]
    /// Token strings by id (model vocabulary and added tokens); nil for unused ids.
    public let tokens: [String?]
    /// Merge rules in rank order, as (left, right) token strings.
    public let mergeList: [(String, String)]
    public let addedTokens: [AddedToken]
    public let normalizers: [NormalizerStep]
    public let preTokenizer: PreTokenizerKind
    public let decoder: DecoderKind
    public let unknownTokenId: UInt32?
    public let byteFallback: Bool
    public let fuseUnknown: Bool
    public let ignoreMerges: Bool
    /// Ids a `TemplateProcessing` post-processor puts before and after a single sequence when
    /// special tokens are requested (`encode(_:addSpecialTokens:)`).
    public let templatePrefix: [UInt32]
    public let templateSuffix: [UInt32]

    let merges: PairMap<UInt64>
    /// Byte-level: the id of each byte's alphabet character, if in the vocabulary.
    private let byteLevelIds: [UInt32?]
    /// Byte fallback: the ids of `<0x00>` … `<0xFF>`, when all are present.
    private let byteFallbackIds: [UInt32]?
    /// Byte-level decoding: the bytes each id stands for.
    private let decodedBytes: [[UInt8]]
    /// Added tokens by their first UTF-8 byte, longest first (leftmost-longest matching).
    private let addedByFirstByte: [[(bytes: [UInt8], id: UInt32)]]

    private var cache = WordCache()
    private var merger = BPEMerger()
    private var scratch: [UInt32] = []

    /// Ids must be below this (2^22, sixteen times the largest released vocabularies): the
    /// tokenizer keeps tables indexed by id, so the largest id sets their size.
    public static let maximumVocabularySize = 1 << 22

    /// The number of ids: one more than the largest id in use.
    public var vocabularySize: Int { tokens.count }

    /// The id of a model-vocabulary token, compared byte for byte.
    public func id(of token: String) -> UInt32? {
        idOfBytes[Array(token.utf8)]
    }

    public init(
        vocabulary unordered: [(String, UInt32)], merges mergeList: [(String, String)], addedTokens: [AddedToken],
        normalizers: [NormalizerStep] = [], preTokenizer: PreTokenizerKind, decoder: DecoderKind,
        unknownToken: String? = nil, byteFallback: Bool = false, fuseUnknown: Bool = false, ignoreMerges: Bool = false,
        templatePrefix: [UInt32] = [], templateSuffix: [UInt32] = [], origin: String = "tokenizer"
    ) throws {
        let vocabulary = unordered.sorted { $0.1 < $1.1 }.map { (token: $0.0, id: $0.1) }
        self.vocabulary = vocabulary
        var idOfBytes: [[UInt8]: UInt32] = [:]
        idOfBytes.reserveCapacity(vocabulary.count)
        for entry in vocabulary { idOfBytes[Array(entry.token.utf8)] = entry.id }
        self.idOfBytes = idOfBytes
        func lookup(_ token: String) -> UInt32? { idOfBytes[Array(token.utf8)] }
        self.mergeList = mergeList
        self.addedTokens = addedTokens
        self.normalizers = normalizers
        self.preTokenizer = preTokenizer
        self.decoder = decoder
        self.byteFallback = byteFallback
        self.fuseUnknown = fuseUnknown
        self.ignoreMerges = ignoreMerges
        self.templatePrefix = templatePrefix
        self.templateSuffix = templateSuffix

        var size = 0
        for entry in vocabulary { size = max(size, Int(entry.id) + 1) }
        for token in addedTokens { size = max(size, Int(token.id) + 1) }
        guard size <= Self.maximumVocabularySize else {
            throw TokenizerError.invalidValue(origin: origin, field: "model.vocab / added_tokens",
                                              message: "token id \(size - 1) is not below \(Self.maximumVocabularySize), the largest vocabulary this tokenizer accepts")
        }
        var tokens = [String?](repeating: nil, count: size)
        for entry in vocabulary { tokens[Int(entry.id)] = entry.token }
        for token in addedTokens { tokens[Int(token.id)] = token.content }
        self.tokens = tokens

        if let unknownToken {
            guard let id = lookup(unknownToken) else {
                throw TokenizerError.invalidValue(origin: origin, field: "model.unk_token",
                                                  message: "\"\(unknownToken)\" is not in model.vocab")
            }
            unknownTokenId = id
        } else {
            unknownTokenId = nil
        }

        // Later duplicates win, as in HF (a merge's rank is its last position in the list).
        var merges = PairMap<UInt64>(capacity: mergeList.count)
        for (rank, (left, right)) in mergeList.enumerated() {
            guard let a = lookup(left), let b = lookup(right), let merged = lookup(left + right) else {
                let missing = lookup(left) == nil ? left : lookup(right) == nil ? right : left + right
                throw TokenizerError.invalidValue(origin: origin, field: "model.merges[\(rank)]",
                                                  message: "token \"\(missing)\" of merge \"\(left) \(right)\" is not in model.vocab")
            }
            merges.insert(PairMap<UInt64>.key(a, b), UInt64(rank) << 32 | UInt64(merged))
        }
        self.merges = merges

        byteLevelIds = (0..<256).map { lookup(String(ByteLevelAlphabet.character(for: UInt8($0)))) }
        let fallback = (0..<256).map { lookup(String(format: "<0x%02X>", $0)) }
        byteFallbackIds = fallback.allSatisfy { $0 != nil } ? fallback.compactMap { $0 } : nil

        decodedBytes = tokens.map { token in
            guard let token else { return [] }
            return ByteLevelAlphabet.bytes(for: token) ?? Array(token.utf8)
        }

        var added = [[(bytes: [UInt8], id: UInt32)]](repeating: [], count: 256)
        for token in addedTokens where !token.content.isEmpty {
            let bytes = Array(token.content.utf8)
            added[Int(bytes[0])].append((bytes, token.id))
        }
        for index in added.indices { added[index].sort { $0.bytes.count > $1.bytes.count } }
        addedByFirstByte = added
    }

    // MARK: Encoding

    /// The token ids of `text`. With `addSpecialTokens`, the post-processor's template tokens
    /// (e.g. Llama's `<s>`) surround them, as HF's `encode(text)` does by default.
    public func encode(_ text: String, addSpecialTokens: Bool = false) -> [UInt32] {
        var output: [UInt32] = []
        encode(text, addSpecialTokens: addSpecialTokens, into: &output)
        return output
    }

    /// Appends the token ids of `text` to `output`.
    public func encode(_ text: String, addSpecialTokens: Bool = false, into output: inout [UInt32]) {
        if addSpecialTokens { output.append(contentsOf: templatePrefix) }
        var text = text
        text.withUTF8 { bytes in
            forEachSegment(bytes) { range, addedId in
                if let addedId {
                    output.append(addedId)
                } else {
                    encodeSegment(UnsafeBufferPointer(rebasing: bytes[range]), isFirst: range.lowerBound == 0, into: &output)
                }
            }
        }
        if addSpecialTokens { output.append(contentsOf: templateSuffix) }
    }

    /// Splits text on added tokens (leftmost-longest, as HF does) into plain segments and tokens.
    private func forEachSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, UInt32?) -> Void) {
        let n = bytes.count
        var segmentStart = 0
        var i = 0
        if !addedTokens.isEmpty {
            scan: while i < n {
                let candidates = addedByFirstByte[Int(bytes[i])]
                if !candidates.isEmpty {
                    for candidate in candidates where i + candidate.bytes.count <= n {
                        let matches = candidate.bytes.withUnsafeBufferPointer { token in
                            bytesEqual(token, UnsafeBufferPointer(rebasing: bytes[i..<(i + token.count)]))
                        }
                        if matches {
                            if segmentStart < i { body(segmentStart..<i, nil) }
                            body(i..<(i + candidate.bytes.count), candidate.id)
                            i += candidate.bytes.count
                            segmentStart = i
                            continue scan
                        }
                    }
                }
                i += 1
            }
        }
        if segmentStart < n { body(segmentStart..<n, nil) }
    }

    private func encodeSegment(_ segment: UnsafeBufferPointer<UInt8>, isFirst: Bool, into output: inout [UInt32]) {
        switch preTokenizer {
        case let .byteLevel(addPrefixSpace, useRegex):
            if addPrefixSpace && segment.first != 0x20 {
                let prefixed = [0x20] + Array(segment)
                prefixed.withUnsafeBufferPointer { encodeByteLevel($0, useRegex: useRegex, into: &output) }
            } else {
                encodeByteLevel(segment, useRegex: useRegex, into: &output)
            }
        default:
            var text = String(decoding: segment, as: UTF8.self)
            for step in normalizers { text = step.apply(text) }
            for word in words(of: text, isFirst: isFirst) {
                encodeUnicodeWord(word, into: &output)
            }
        }
    }

    private func encodeByteLevel(_ segment: UnsafeBufferPointer<UInt8>, useRegex: Bool, into output: inout [UInt32]) {
        // Work on locals so the hot loop does no class-property access checks.
        var cache = WordCache(maximumEntries: 0, tableSize: 1)  // placeholder while the real one is out
        var merger = BPEMerger()
        var scratch: [UInt32] = []
        swap(&cache, &self.cache)
        swap(&merger, &self.merger)
        swap(&scratch, &self.scratch)
        defer {
            swap(&cache, &self.cache)
            swap(&merger, &self.merger)
            swap(&scratch, &self.scratch)
        }
        func encodeWord(_ word: UnsafeBufferPointer<UInt8>) {
            let hash = WordCache.hash(word)
            if let range = cache.lookup(word, hash: hash) {
                cache.ids.withUnsafeBufferPointer { ids in
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: ids[range]))
                }
                return
            }
            scratch.removeAll(keepingCapacity: true)
            if self.ignoreMerges, let id = self.idOfBytes[Array(ByteLevelAlphabet.string(for: word).utf8)] {
                scratch.append(id)
            } else {
                var pendingUnknown = false
                for byte in word {
                    if let id = self.byteLevelIds[Int(byte)] {
                        if pendingUnknown, let unknown = self.unknownTokenId { scratch.append(unknown) }
                        pendingUnknown = false
                        scratch.append(id)
                    } else if let unknown = self.unknownTokenId {
                        if pendingUnknown && !self.fuseUnknown { scratch.append(unknown) }
                        pendingUnknown = true
                    }
                }
                if pendingUnknown, let unknown = self.unknownTokenId { scratch.append(unknown) }
                merger.merge(&scratch, merges: self.merges)
            }
            cache.insert(word, hash: hash, ids: scratch[...])
            output.append(contentsOf: scratch)
        }
        if useRegex {
            GPT2PreTokenizer.split(segment) { range in encodeWord(UnsafeBufferPointer(rebasing: segment[range])) }
        } else if !segment.isEmpty {
            encodeWord(segment)
        }
    }

    /// The words a normalized SentencePiece-style segment is cut into.
    private func words(of text: String, isFirst: Bool) -> [String] {
        switch preTokenizer {
        case let .metaspace(replacement, scheme, split):
            var text = ScalarText.replacing(" ", with: String(replacement), in: text)
            let prepend = scheme == .always || (scheme == .first && isFirst)
            if prepend && !ScalarText.hasPrefix(String(replacement), text) { text = String(replacement) + text }
            guard split else { return text.isEmpty ? [] : [text] }
            var words: [String] = []
            var current = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                if scalar == replacement && !current.isEmpty {
                    words.append(String(current))
                    current = String.UnicodeScalarView()
                }
                current.append(scalar)
            }
            if !current.isEmpty { words.append(String(current)) }
            return words
        case .byteLevel, .none:
            return text.isEmpty ? [] : [text]
        }
    }

    /// BPE over the characters of one word, with byte fallback or the unknown token for
    /// characters outside the vocabulary (SentencePiece-style models).
    private func encodeUnicodeWord(_ word: String, into output: inout [UInt32]) {
        var key = word
        key.withUTF8 { bytes in
            let hash = WordCache.hash(bytes)
            if let range = cache.lookup(bytes, hash: hash) {
                output.append(contentsOf: cache.ids[range])
                return
            }
            var symbols: [UInt32] = []
            if ignoreMerges, let id = idOfBytes[Array(word.utf8)] {
                symbols.append(id)
            } else {
                var pendingUnknown = false
                for scalar in word.unicodeScalars {
                    if let id = idOfBytes[Array(String(scalar).utf8)] {
                        if pendingUnknown, let unknown = unknownTokenId { symbols.append(unknown) }
                        pendingUnknown = false
                        symbols.append(id)
                    } else if byteFallback, let fallback = byteFallbackIds {
                        for byte in String(scalar).utf8 { symbols.append(fallback[Int(byte)]) }
                    } else if let unknown = unknownTokenId {
                        if pendingUnknown && !fuseUnknown { symbols.append(unknown) }
                        pendingUnknown = true
                    }
                }
                if pendingUnknown, let unknown = unknownTokenId { symbols.append(unknown) }
                merger.merge(&symbols, merges: merges)
            }
            cache.insert(bytes, hash: hash, ids: symbols[...])
            output.append(contentsOf: symbols)
        }
    }

    // MARK: Decoding

    /// The text of `ids`. For byte-level tokenizers, `decode(encode(s)) == s` for every string.
    public func decode(_ ids: [UInt32]) throws -> String {
        for id in ids where Int(id) >= tokens.count || tokens[Int(id)] == nil {
            throw TokenizerError.unknownTokenId(id, vocabularySize: tokens.count)
        }
        switch decoder {
        case .byteLevel:
            var bytes: [UInt8] = []
            for id in ids { bytes.append(contentsOf: decodedBytes[Int(id)]) }
            return String(decoding: bytes, as: UTF8.self)
        case .none:
            return ids.map { tokens[Int($0)] ?? "" }.joined(separator: " ")
        case let .steps(steps):
            var pieces = ids.map { tokens[Int($0)] ?? "" }
            for step in steps { pieces = Self.apply(step, to: pieces) }
            return pieces.joined()
        }
    }

    private static func apply(_ step: DecoderStep, to pieces: [String]) -> [String] {
        switch step {
        case let .replace(pattern, replacement):
            return pieces.map { ScalarText.replacing(pattern, with: replacement, in: $0) }
        case .fuse:
            return [pieces.joined()]
        case let .strip(character, start, stop):
            return pieces.map { ScalarText.strip(character, start: start, stop: stop, from: $0) }
        case let .metaspace(replacement, scheme):
            return pieces.enumerated().map { index, piece in
                let text = ScalarText.replacing(String(replacement), with: " ", in: piece)
                return index == 0 && scheme != .never ? ScalarText.strip(" ", start: 1, stop: 0, from: text) : text
            }
        case .byteFallback:
            var result: [String] = []
            var pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if let text = String(validating: pending, as: UTF8.self) {
                    result.append(text)
                } else {
                    result.append(contentsOf: pending.map { _ in "\u{FFFD}" })
                }
                pending.removeAll()
            }
            for piece in pieces {
                if let byte = byteFallbackValue(piece) {
                    pending.append(byte)
                } else {
                    flush()
                    result.append(piece)
                }
            }
            flush()
            return result
        }
    }

    /// The byte a `<0xAB>` token stands for.
    static func byteFallbackValue(_ piece: String) -> UInt8? {
        let utf8 = Array(piece.utf8)
        guard utf8.count == 6, utf8[0] == UInt8(ascii: "<"), utf8[1] == UInt8(ascii: "0"),
              utf8[2] == UInt8(ascii: "x"), utf8[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }
}

extension Tokenizer {
    /// Byte-level (GPT-2 style) or SentencePiece-style.
    public var kind: TokenizerKind {
        if case .byteLevel = preTokenizer { return .byteLevelBPE }
        return .sentencePieceBPE
    }
}
