/// What a `Heap` orders by: `comesBefore` is true when `self` must leave the heap before `other`.
protocol HeapOrdered {
    func comesBefore(_ other: Self) -> Bool
}

/// A binary heap over an array whose top is the element that comes before all the others: the
/// BPE trainer's most frequent pair, the merger's lowest-ranked merge.
///
///     var heap = Heap<RankedMerge>()
///     heap.push(RankedMerge(key: 5, symbol: 0)); heap.push(RankedMerge(key: 2, symbol: 1))
///     heap.pop()?.symbol   // 1
struct Heap<Element: HeapOrdered> {
    private var elements: [Element] = []

    var isEmpty: Bool { elements.isEmpty }

    @inline(__always)
    mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].comesBefore(elements[parent]) else { break }
            elements.swapAt(parent, child)
            child = parent
        }
    }

    @inline(__always)
    mutating func pop() -> Element? {
        guard let top = elements.first else { return nil }
        let last = elements.removeLast()
        if !elements.isEmpty {
            elements[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                if left >= elements.count { break }
                var first = left
                if left + 1 < elements.count && elements[left + 1].comesBefore(elements[left]) { first = left + 1 }
                guard elements[first].comesBefore(elements[parent]) else { break }
                elements.swapAt(parent, first)
                parent = first
            }
        }
        return top
    }
}
