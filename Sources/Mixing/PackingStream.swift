/// `Packing` applied one document at a time: documents go in, complete sequences come out as
/// soon as they fill, and nothing but one sequence's worth of tokens is held. `Packing.pack`
/// is this stream run over a whole list, so the streamed and in-memory results cannot differ.
///
///     var stream = PackingStream(packing: Packing(sequenceLength: 4), bosId: 0, eosId: 1)
///     try stream.append([5, 6, 7]) { sequence in print(Array(sequence)) }   // [0, 5, 6, 7]
///     // the pending [1] is dropped unless more documents complete its sequence
public struct PackingStream {
    public let packing: Packing
    public let bosId: Int32
    public let eosId: Int32
    /// The sequence being filled; emitted (and emptied) when it reaches the sequence length.
    private var pending: [Int32] = []
    /// Tokens emitted so far, in complete sequences.
    public private(set) var emittedTokens = 0

    public init(packing: Packing, bosId: Int32, eosId: Int32) {
        self.packing = packing
        self.bosId = bosId
        self.eosId = eosId
        pending.reserveCapacity(packing.sequenceLength)
    }

    /// Adds one document (`<s>` before it with `.document`, `</s>` after it) and calls `emit`
    /// with every sequence it completes.
    public mutating func append(_ document: [Int32], emit: (ArraySlice<Int32>) throws -> Void) rethrows {
        if packing.bos == .document { try push(bosId, emit: emit) }
        for id in document { try push(id, emit: emit) }
        try push(eosId, emit: emit)
    }

    private mutating func push(_ id: Int32, emit: (ArraySlice<Int32>) throws -> Void) rethrows {
        if pending.isEmpty && packing.bos == .sequence { pending.append(bosId) }
        pending.append(id)
        if pending.count == packing.sequenceLength {
            try emit(pending[...])
            emittedTokens += pending.count
            pending.removeAll(keepingCapacity: true)
        }
    }
}
