import Mixing

/// A snapshot's packed sequences read straight from its memory-mapped shard files: a batch
/// touches only its own pages, so a run's memory does not depend on the snapshot's size.
///
///     let data = try ShardedSnapshotData(shards: try Snapshot.shards(store: store, id: 1), identity: record.manifestSHA256)
///     let first = data.sequence(0)
public struct ShardedSnapshotData: TrainingData, @unchecked Sendable {
    public let shards: SnapshotShards
    public let identity: String

    /// Maps every shard up front, so a missing or unreadable file fails here, not mid-run.
    public init(shards: SnapshotShards, identity: String) throws {
        try shards.mapAll()
        self.shards = shards
        self.identity = identity
    }

    public var sequenceLength: Int { shards.sequenceLength }
    public var sequenceCount: Int { shards.sequenceCount }
    public func sequence(_ index: Int) -> TrainingSequence { TrainingSequence(tokens: shards.sequence(index)) }
}
