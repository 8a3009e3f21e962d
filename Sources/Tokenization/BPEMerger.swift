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
        var heap = Heap<RankedMerge>()
        for p in 0..<(n - 1) {
            let (rank, id) = lookup(symbols[p], symbols[p + 1], merges)
            if rank != UInt32.max { heap.push(RankedMerge(key: UInt64(rank) << 32 | UInt64(p), symbol: id)) }
        }
        while let merge = heap.pop() {
            let (key, id) = (merge.key, merge.symbol)
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
                if r != UInt32.max { heap.push(RankedMerge(key: UInt64(r) << 32 | UInt64(previous[p]), symbol: i)) }
            }
            if next[p] >= 0 {
                let (r, i) = lookup(symbols[p], symbols[next[p]], merges)
                if r != UInt32.max { heap.push(RankedMerge(key: UInt64(r) << 32 | UInt64(p), symbol: i)) }
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

/// A merge waiting in `mergeWithHeap`'s heap: its rank and position packed into `key` (lowest
/// first), and the symbol it makes.
struct RankedMerge: HeapOrdered {
    var key: UInt64
    var symbol: UInt32

    @inline(__always)
    func comesBefore(_ other: RankedMerge) -> Bool { key < other.key }
}
