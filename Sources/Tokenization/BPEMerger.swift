/// Applies BPE merges to one word's symbols the way HF `tokenizers` does: repeatedly merge the
/// adjacent pair with the lowest merge rank, the leftmost one when ranks tie, until no
/// adjacent pair has a merge.
///
///     var merger = BPEMerger()
///     var symbols: [UInt32] = [10, 11, 12]
///     merger.merge(&symbols, merges: merges)   // e.g. [300] when 10+11 and 299+12 are merges
struct BPEMerger {
    /// Words longer than this use a heap (n log n); shorter ones a linear scan, which is
    /// faster at the sizes natural-language pre-tokens have.
    static let heapThreshold = 64

    private var ranks: [UInt32] = []
    private var newIds: [UInt32] = []

    /// The rank and result of merging `left` and `right`, packed as `rank << 32 | newId`.
    typealias Merges = PairMap<UInt64>

    mutating func merge(_ symbols: inout [UInt32], merges: Merges) {
        if symbols.count < 2 { return }
        if symbols.count > Self.heapThreshold {
            mergeWithHeap(&symbols, merges: merges)
        } else {
            mergeByScanning(&symbols, merges: merges)
        }
    }

    /// The linear-scan form: find the best pair, merge it, update its two neighbours' ranks.
    mutating func mergeByScanning(_ symbols: inout [UInt32], merges: Merges) {
        if symbols.count < 2 { return }
        var n = symbols.count
        ranks.removeAll(keepingCapacity: true)
        newIds.removeAll(keepingCapacity: true)
        for p in 0..<(n - 1) {
            let (rank, id) = lookup(symbols[p], symbols[p + 1], merges)
            ranks.append(rank)
            newIds.append(id)
        }
        while n > 1 {
            var best = 0
            var bestRank = ranks[0]
            for p in 1..<(n - 1) where ranks[p] < bestRank {
                bestRank = ranks[p]
                best = p
            }
            if bestRank == UInt32.max { break }
            symbols[best] = newIds[best]
            symbols.remove(at: best + 1)
            ranks.remove(at: best)
            newIds.remove(at: best)
            n -= 1
            if best > 0 {
                (ranks[best - 1], newIds[best - 1]) = lookup(symbols[best - 1], symbols[best], merges)
            }
            if best < n - 1 {
                (ranks[best], newIds[best]) = lookup(symbols[best], symbols[best + 1], merges)
            }
        }
    }

    @inline(__always)
    private func lookup(_ left: UInt32, _ right: UInt32, _ merges: Merges) -> (UInt32, UInt32) {
        guard let packed = merges[Merges.key(left, right)] else { return (UInt32.max, 0) }
        return (UInt32(truncatingIfNeeded: packed >> 32), UInt32(truncatingIfNeeded: packed))
    }

    /// The same merges over a doubly linked list with a min-heap of (rank, position) entries;
    /// entries made stale by an earlier merge are skipped when popped.
    func mergeWithHeap(_ symbols: inout [UInt32], merges: Merges) {
        let n = symbols.count
        if n < 2 { return }
        var previous = [Int](0..<n).map { $0 - 1 }
        var next = [Int](1...n)
        next[n - 1] = -1
        var alive = [Bool](repeating: true, count: n)
        var heap = MinHeap()
        for p in 0..<(n - 1) {
            let (rank, id) = lookup(symbols[p], symbols[p + 1], merges)
            if rank != UInt32.max { heap.push(UInt64(rank) << 32 | UInt64(p), id) }
        }
        while let (key, id) = heap.pop() {
            let p = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
            guard alive[p], next[p] >= 0 else { continue }
            let q = next[p]
            let (rank, currentId) = lookup(symbols[p], symbols[q], merges)
            guard rank == UInt32(truncatingIfNeeded: key >> 32), currentId == id else { continue }
            symbols[p] = id
            alive[q] = false
            next[p] = next[q]
            if next[q] >= 0 { previous[next[q]] = p }
            if previous[p] >= 0 {
                let (r, i) = lookup(symbols[previous[p]], symbols[p], merges)
                if r != UInt32.max { heap.push(UInt64(r) << 32 | UInt64(previous[p]), i) }
            }
            if next[p] >= 0 {
                let (r, i) = lookup(symbols[p], symbols[next[p]], merges)
                if r != UInt32.max { heap.push(UInt64(r) << 32 | UInt64(p), i) }
            }
        }
        var result: [UInt32] = []
        var p = 0
        while p >= 0 {
            result.append(symbols[p])
            p = next[p]
        }
        symbols = result
    }
}

/// A binary min-heap of (key, payload) pairs ordered by key.
struct MinHeap {
    private var keys: [UInt64] = []
    private var payloads: [UInt32] = []

    var isEmpty: Bool { keys.isEmpty }

    mutating func push(_ key: UInt64, _ payload: UInt32) {
        keys.append(key)
        payloads.append(payload)
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if keys[parent] <= keys[child] { break }
            keys.swapAt(parent, child)
            payloads.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> (UInt64, UInt32)? {
        guard let top = keys.first else { return nil }
        let payload = payloads[0]
        let lastKey = keys.removeLast()
        let lastPayload = payloads.removeLast()
        if !keys.isEmpty {
            keys[0] = lastKey
            payloads[0] = lastPayload
            var parent = 0
            while true {
                let left = 2 * parent + 1
                if left >= keys.count { break }
                var smallest = left
                if left + 1 < keys.count && keys[left + 1] < keys[left] { smallest = left + 1 }
                if keys[parent] <= keys[smallest] { break }
                keys.swapAt(parent, smallest)
                payloads.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (top, payload)
    }
}
