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
        var stream = PackingStream(packing: self, bosId: bosId, eosId: eosId)
        var packed: [Int32] = []
        for document in documents { stream.append(document) { packed += $0 } }
        return packed
    }

    /// Canonical JSON for the manifest and `snapshots.packing_json`.
    public var json: String { "{\"bos\":\"\(bos.rawValue)\",\"seq_len\":\(sequenceLength)}" }
}
