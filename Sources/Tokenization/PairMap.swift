/// An open-addressing hash map from a token pair (two 32-bit ids packed in a `UInt64`,
/// left id in the high half) to a value. BPE encoding and training look pairs up millions of
/// times; this avoids the general-purpose `Dictionary`'s hashing cost and never allocates per lookup.
///
///     var counts = PairMap<Int64>()
///     counts[PairMap<Int64>.key(3, 7), default: 0] += 2
///     counts[PairMap<Int64>.key(3, 7)]   // 2
struct PairMap<Value> {
    private var keys: [UInt64]
    private var values: [Value?]
    private(set) var count = 0
    private var mask: Int

    /// A key never used by a real pair: ids are below 2^32 - 1.
    private static var emptyKey: UInt64 { UInt64.max }

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.emptyKey, count: size)
        values = [Value?](repeating: nil, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func key(_ left: UInt32, _ right: UInt32) -> UInt64 {
        UInt64(left) << 32 | UInt64(right)
    }

    @inline(__always)
    private func slot(for key: UInt64) -> Int {
        // Fibonacci hashing spreads consecutive ids over the table.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    @inline(__always)
    subscript(key: UInt64) -> Value? {
        var index = slot(for: key)
        while true {
            let k = keys[index]
            if k == key { return values[index] }
            if k == Self.emptyKey { return nil }
            index = (index + 1) & mask
        }
    }

    @inline(__always)
    subscript(key: UInt64, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        set { insert(key, newValue) }
    }

    mutating func insert(_ key: UInt64, _ value: Value) {
        if (count + 1) * 2 > keys.count { grow() }
        var index = slot(for: key)
        while true {
            let k = keys[index]
            if k == key { values[index] = value; return }
            if k == Self.emptyKey {
                keys[index] = key
                values[index] = value
                count += 1
                return
            }
            index = (index + 1) & mask
        }
    }

    /// Every entry, in table order (callers that need a stable order sort the result).
    func forEach(_ body: (UInt64, Value) throws -> Void) rethrows {
        for index in 0..<keys.count where keys[index] != Self.emptyKey {
            if let value = values[index] { try body(keys[index], value) }
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let size = keys.count * 2
        keys = [UInt64](repeating: Self.emptyKey, count: size)
        values = [Value?](repeating: nil, count: size)
        mask = size - 1
        count = 0
        for index in 0..<oldKeys.count where oldKeys[index] != Self.emptyKey {
            if let value = oldValues[index] { insert(oldKeys[index], value) }
        }
    }
}
