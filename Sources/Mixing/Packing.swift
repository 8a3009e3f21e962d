import Foundation

/// How items become fixed-length sequences: each document's tokens are followed by `</s>`
/// and the documents concatenated; `<s>` goes before every document (`.document`), at the
/// start of every sequence (`.sequence`) or nowhere (`.none`). The stream is cut into
/// sequences of `sequenceLength` tokens; a final partial sequence is dropped.
///
///     let packing = Packing(sequenceLength: 256, bos: .document)
///     let sequences = packing.pack(documents: [[5, 6], [7]], bosId: 0, eosId: 1)
public struct Packing: Codable, Equatable, Sendable {
    public enum BOS: String, Codable, Sendable, CaseIterable {
        case document, sequence, none
    }

    public var sequenceLength: Int
    public var bos: BOS

    public init(sequenceLength: Int, bos: BOS = .document) {
        self.sequenceLength = sequenceLength
        self.bos = bos
    }

    /// The packed token stream: sequenceCount × sequenceLength ids.
    public func pack(documents: [[Int32]], bosId: Int32, eosId: Int32) -> [Int32] {
        var stream: [Int32] = []
        stream.reserveCapacity(documents.reduce(0) { $0 + $1.count + 2 })
        for document in documents {
            if bos == .document { stream.append(bosId) }
            stream += document
            stream.append(eosId)
        }
        guard bos == .sequence else {
            return Array(stream.prefix(stream.count / sequenceLength * sequenceLength))
        }
        let body = sequenceLength - 1
        var packed: [Int32] = []
        var start = 0
        while start + body <= stream.count {
            packed.append(bosId)
            packed += stream[start..<(start + body)]
            start += body
        }
        return packed
    }

    /// Canonical JSON for the manifest and `snapshots.packing_json`.
    public var json: String { "{\"bos\":\"\(bos.rawValue)\",\"seq_len\":\(sequenceLength)}" }
}
