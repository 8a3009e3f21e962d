import ProgressReporting

/// Learns byte-level BPE merges the way HF `tokenizers`' `BpeTrainer` does with a ByteLevel
/// pre-tokenizer and the full 256-byte initial alphabet: special tokens get the first ids, the
/// byte alphabet follows in code-point order of its characters, then merges are learned most
/// frequent pair first (ties: smallest (left id, right id)), until the vocabulary is full.
/// Pair counts are updated incrementally and kept in a lazy max-heap.
///
///     var counts = WordCounts()
///     for text in corpus { counts.add(text: text) }
///     let tokenizer = try BPETrainer(vocabularySize: 8192).train(counts)
///     tokenizer.encode("hello")
public struct BPETrainer: Sendable {
    public var vocabularySize: Int
    /// Tokens that get the first ids and are matched whole in text (HF `special_tokens`).
    public var specialTokens: [String]
    /// Pairs seen fewer times than this are never merged.
    public var minimumFrequency: Int64

    public init(vocabularySize: Int, specialTokens: [String] = ["<s>", "</s>", "<unk>"], minimumFrequency: Int64 = 0) {
        self.vocabularySize = vocabularySize
        self.specialTokens = specialTokens
        self.minimumFrequency = minimumFrequency
    }

    /// The smallest vocabulary this trainer can make: its special tokens and the 256 bytes.
    public var minimumVocabularySize: Int { Set(specialTokens).union((0..<256).map { String(Character(ByteLevelAlphabet.character(for: UInt8($0)))) }).count }

    /// A candidate merge in the heap; `count` may be stale and is checked when popped.
    private struct Candidate: HeapOrdered {
        var count: Int64
        var pair: UInt64
        var positions: Int32

        /// Heap order: more frequent first, then the smaller pair.
        @inline(__always)
        func comesBefore(_ other: Candidate) -> Bool {
            count != other.count ? count > other.count : pair < other.pair
        }
    }

    /// Learns the merges. `progress` hears of the initial pair count (phase "counting pairs",
    /// in words) and of every merge (phase "merging"), so a long training shows it is moving.
    public func train(_ counts: WordCounts, progress: ProgressHandler = { _ in }) throws -> Tokenizer {
        guard vocabularySize >= minimumVocabularySize else {
            throw TokenizerError.vocabularyTooSmall(requested: vocabularySize, minimum: minimumVocabularySize)
        }
        // 1. Special tokens, then the byte alphabet ordered by character.
        var tokenBytes: [[UInt8]] = []
        var idOfBytes: [[UInt8]: UInt32] = [:]
        var specialById: [UInt32: String] = [:]
        for token in specialTokens where !specialById.values.contains(token) {
            let id = UInt32(tokenBytes.count)
            specialById[id] = token
            // As in HF, a merge whose string equals a special token reuses the special's id,
            // so the special's bytes (when it spells bytes of the alphabet) are known too.
            let bytes = ByteLevelAlphabet.bytes(for: token) ?? []
            tokenBytes.append(bytes)
            if !bytes.isEmpty && idOfBytes[bytes] == nil { idOfBytes[bytes] = id }
        }
        var byteIds = [UInt32](repeating: 0, count: 256)
        let byCharacter = (0..<256).map { UInt8($0) }.sorted {
            ByteLevelAlphabet.character(for: $0).value < ByteLevelAlphabet.character(for: $1).value
        }
        for byte in byCharacter {
            if let existing = idOfBytes[[byte]] {
                byteIds[Int(byte)] = existing
                continue
            }
            byteIds[Int(byte)] = UInt32(tokenBytes.count)
            idOfBytes[[byte]] = UInt32(tokenBytes.count)
            tokenBytes.append([byte])
        }

        // 2. Words as symbol ids in one flat arena; word w holds symbols[start[w] ..< start[w] + length[w]].
        let wordCount = counts.count
        var symbols = counts.bytes.map { byteIds[Int($0)] }
        var wordStart = [Int](repeating: 0, count: wordCount)
        var wordLength = [Int32](repeating: 0, count: wordCount)
        for w in 0..<wordCount {
            wordStart[w] = counts.starts[w]
            wordLength[w] = Int32(counts.starts[w + 1] - counts.starts[w])
        }
        let frequency = counts.frequencies

        // 3. Initial pair counts and where each pair occurs.
        var pairCounts = PairMap<Int64>(capacity: 1 << 16)
        var positionLists: [[Int32]] = []
        var heap = Heap<Candidate>()
        do {
            var listOfPair = PairMap<Int32>(capacity: 1 << 16)
            var pairs: [UInt64] = []
            for w in 0..<wordCount {
                if w % 4096 == 0 { progress(StageProgress(phase: "counting pairs", done: w, total: wordCount, unit: .count("words"))) }
                let start = wordStart[w]
                for i in start..<(start + Int(wordLength[w]) - 1) {
                    let pair = PairMap<Int64>.key(symbols[i], symbols[i + 1])
                    pairCounts[pair, default: 0] += frequency[w]
                    if let list = listOfPair[pair] {
                        if positionLists[Int(list)].last != Int32(w) { positionLists[Int(list)].append(Int32(w)) }
                    } else {
                        listOfPair.insert(pair, Int32(positionLists.count))
                        positionLists.append([Int32(w)])
                        pairs.append(pair)
                    }
                }
            }
            for (index, pair) in pairs.enumerated() {
                let count = pairCounts[pair] ?? 0
                if count > 0 { heap.push(Candidate(count: count, pair: pair, positions: Int32(index))) }
            }
        }

        // 4. Merge until the vocabulary is full.
        var merges: [(UInt32, UInt32)] = []
        var tokenCount = tokenBytes.count
        let mergesWanted = max(vocabularySize - tokenCount, 0)
        progress(StageProgress(phase: "merging", done: 0, total: mergesWanted, unit: .count("merges")))
        while tokenCount < vocabularySize, var top = heap.pop() {
            let current = pairCounts[top.pair] ?? 0
            if top.count != current {
                top.count = current
                heap.push(top)
                continue
            }
            if top.count < 1 || minimumFrequency > top.count { break }
            let a = UInt32(truncatingIfNeeded: top.pair >> 32)
            let b = UInt32(truncatingIfNeeded: top.pair)
            let merged = tokenBytes[Int(a)] + tokenBytes[Int(b)]
            let newId: UInt32
            if let existing = idOfBytes[merged] {
                newId = existing
            } else {
                newId = UInt32(tokenBytes.count)
                tokenBytes.append(merged)
                idOfBytes[merged] = newId
                tokenCount += 1
            }
            merges.append((a, b))
            progress(StageProgress(phase: "merging", done: mergesWanted - (vocabularySize - tokenCount), total: mergesWanted, unit: .count("merges")))

            // Merge the pair in every word that had it; collect the pairs this creates.
            var newPairs = PairMap<Int32>(capacity: 64)
            var newPairKeys: [UInt64] = []
            var newLists: [[Int32]] = []
            let positions = positionLists[Int(top.positions)]
            positionLists[Int(top.positions)] = []
            symbols.withUnsafeMutableBufferPointer { s in
                for w32 in positions {
                    let w = Int(w32)
                    let start = wordStart[w]
                    let end = start + Int(wordLength[w])
                    let weight = frequency[w]
                    var read = start
                    var write = start
                    func change(_ pair: UInt64, _ delta: Int64) {
                        pairCounts[pair, default: 0] += delta * weight
                        guard delta > 0 else { return }
                        if let list = newPairs[pair] {
                            if newLists[Int(list)].last != w32 { newLists[Int(list)].append(w32) }
                        } else {
                            newPairs.insert(pair, Int32(newLists.count))
                            newLists.append([w32])
                            newPairKeys.append(pair)
                        }
                    }
                    while read < end {
                        if s[read] == a && read + 1 < end && s[read + 1] == b {
                            if write > start {
                                let previous = s[write - 1]
                                change(PairMap<Int64>.key(previous, a), -1)
                                change(PairMap<Int64>.key(previous, newId), 1)
                            }
                            if read + 2 < end {
                                let next = s[read + 2]
                                change(PairMap<Int64>.key(b, next), -1)
                                change(PairMap<Int64>.key(newId, next), 1)
                            }
                            s[write] = newId
                            write += 1
                            read += 2
                        } else {
                            s[write] = s[read]
                            write += 1
                            read += 1
                        }
                    }
                    wordLength[w] = Int32(write - start)
                }
            }
            for (index, pair) in newPairKeys.enumerated() {
                let count = pairCounts[pair] ?? 0
                guard count > 0 else { continue }
                heap.push(Candidate(count: count, pair: pair, positions: Int32(positionLists.count)))
                positionLists.append(newLists[index])
            }
        }

        // 5. As HF does, a pair merged twice keeps only its last rank.
        var lastRank: [UInt64: Int] = [:]
        for (rank, merge) in merges.enumerated() { lastRank[PairMap<Int64>.key(merge.0, merge.1)] = rank }
        let finalMerges = merges.enumerated()
            .filter { lastRank[PairMap<Int64>.key($1.0, $1.1)] == $0 }
            .map { $1 }

        func tokenString(_ id: UInt32) -> String {
            specialById[id] ?? ByteLevelAlphabet.string(for: tokenBytes[Int(id)])
        }
        let strings = (0..<tokenBytes.count).map { tokenString(UInt32($0)) }
        let vocabulary = strings.enumerated().map { ($1, UInt32($0)) }
        let added = specialById.sorted { $0.key < $1.key }.map { AddedToken(id: $0.key, content: $0.value, special: true) }
        return try Tokenizer(
            vocabulary: vocabulary,
            merges: finalMerges.map { (strings[Int($0.0)], strings[Int($0.1)]) },
            addedTokens: added,
            preTokenizer: .byteLevel(addPrefixSpace: false, useRegex: true), decoder: .byteLevel)
    }
}
