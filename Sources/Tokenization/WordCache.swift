/// Remembers the token ids of each pre-token already encoded, keyed by its bytes: natural text
/// repeats a small set of words, so most pre-tokens skip BPE entirely. Bounded: when full it
/// starts over, which keeps memory flat on endless input.
///
///     var cache = WordCache()
///     let hash = WordCache.hash(word)                    // word: UnsafeBufferPointer<UInt8>
///     cache.insert(word, hash: hash, ids: [42][...])
///     cache.lookup(word, hash: hash).map { cache.ids[$0] }   // [42]
struct WordCache {
    private struct Entry {
        var hash: UInt64
        var keyStart: Int32
        var keyLength: Int32
        var idsStart: Int32
        var idsLength: Int32
    }

    private var table: [Int32]
    private var entries: [Entry] = []
    private var keyBytes: [UInt8] = []
    private(set) var ids: [UInt32] = []
    private let maximumEntries: Int

    /// `tableSize` must be a power of two; it doubles as entries are added.
    init(maximumEntries: Int = 1 << 18, tableSize: Int = 1 << 16) {
        self.maximumEntries = maximumEntries
        table = [Int32](repeating: -1, count: tableSize)
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a, 8 bytes at a time where possible.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress {
            while i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                h = (h ^ word) &* 0x100_0000_01B3
                h ^= h >> 29
                i += 8
            }
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01B3
            i += 1
        }
        return h ^ (h >> 32)
    }

    /// The range in `ids` of the cached encoding of `bytes`, if any.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Range<Int>? {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = table[slot]
            if index < 0 { return nil }
            let entry = entries[Int(index)]
            if entry.hash == hash && Int(entry.keyLength) == bytes.count {
                let equal = keyBytes.withUnsafeBufferPointer { stored in
                    bytesEqual(UnsafeBufferPointer(rebasing: stored[Int(entry.keyStart)..<Int(entry.keyStart + entry.keyLength)]), bytes)
                }
                if equal { return Int(entry.idsStart)..<Int(entry.idsStart + entry.idsLength) }
            }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, ids newIds: ArraySlice<UInt32>) {
        if entries.count >= maximumEntries || keyBytes.count + bytes.count > Int(Int32.max) / 2 {
            entries.removeAll(keepingCapacity: true)
            keyBytes.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            for i in table.indices { table[i] = -1 }
        }
        if (entries.count + 1) * 2 > table.count { grow() }
        let entry = Entry(hash: hash, keyStart: Int32(keyBytes.count), keyLength: Int32(bytes.count),
                          idsStart: Int32(ids.count), idsLength: Int32(newIds.count))
        keyBytes.append(contentsOf: bytes)
        ids.append(contentsOf: newIds)
        place(Int32(entries.count), hash: hash)
        entries.append(entry)
    }

    private mutating func place(_ index: Int32, hash: UInt64) {
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while table[slot] >= 0 { slot = (slot + 1) & mask }
        table[slot] = index
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        for (index, entry) in entries.enumerated() { place(Int32(index), hash: entry.hash) }
    }
}

/// Whether two byte buffers hold the same bytes (8 at a time).
@inline(__always)
func bytesEqual(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
    let count = x.count
    guard count == y.count else { return false }
    guard count > 0, let a = x.baseAddress, let b = y.baseAddress else { return true }
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
