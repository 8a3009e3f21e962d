/// How often each pre-token occurs in a training corpus, keyed by its bytes: the input of
/// BPE training. Words are kept in first-seen order so training never depends on hash order.
///
///     var counts = WordCounts()
///     counts.add(text: "the cat and the hat")
///     counts.count   // 4 distinct words: "the", " cat", " and", " hat"… (" the" counted twice)
public struct WordCounts {
    private var table: [Int32] = [Int32](repeating: -1, count: 1 << 16)
    private var hashes: [UInt64] = []
    /// Word i's bytes are `bytes[starts[i]..<starts[i + 1]]`.
    private(set) var bytes: [UInt8] = []
    private(set) var starts: [Int] = [0]
    private(set) var frequencies: [Int64] = []

    public init() {}

    /// Distinct words seen.
    public var count: Int { frequencies.count }

    /// Pre-tokenizes `text` with the GPT-2 pattern and counts its words.
    public mutating func add(text: String) {
        var text = text
        text.withUTF8 { utf8 in
            GPT2PreTokenizer.split(utf8) { range in add(word: UnsafeBufferPointer(rebasing: utf8[range]), times: 1) }
        }
    }

    /// Counts `word` `times` more times.
    public mutating func add(word: UnsafeBufferPointer<UInt8>, times: Int64) {
        let hash = WordCache.hash(word)
        var mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = table[slot]
            if index < 0 { break }
            let i = Int(index)
            if hashes[i] == hash && starts[i + 1] - starts[i] == word.count {
                let equal = bytes.withUnsafeBufferPointer { stored in
                    bytesEqual(UnsafeBufferPointer(rebasing: stored[starts[i]..<starts[i + 1]]), word)
                }
                if equal {
                    frequencies[i] += times
                    return
                }
            }
            slot = (slot + 1) & mask
        }
        if (frequencies.count + 1) * 2 > table.count {
            table = [Int32](repeating: -1, count: table.count * 2)
            mask = table.count - 1
            for (i, h) in hashes.enumerated() {
                var s = Int(truncatingIfNeeded: h) & mask
                while table[s] >= 0 { s = (s + 1) & mask }
                table[s] = Int32(i)
            }
            slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
        }
        table[slot] = Int32(frequencies.count)
        hashes.append(hash)
        bytes.append(contentsOf: word)
        starts.append(bytes.count)
        frequencies.append(times)
    }
}
