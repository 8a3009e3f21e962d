import ArgumentParser
import Mixing
import Store

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a database, or bring an existing one up to this ipt's schema.",
        discussion: """
            Applies every pending migration, each in its own transaction, then moves the tokens \
            of snapshots made before token shards out of the database into shard files \
            ($IPT_SHARD_DIR, else DB.shards beside the database), each checked against the \
            snapshot's tokens_sha256 before its blob is deleted. Safe to run again.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try Store.open(path: database.db)
        let moved = try LegacyTokenBlobs.moveToShards(store: store, shards: try ShardStore(databasePath: database.db, directory: ShardStore.environmentDirectory))
        for id in moved { print("snapshot \(id): tokens moved from the database into shard files") }
        let migrations = try Migration.embedded()
        print("database \(store.path) is at schema version \(migrations.last?.version ?? 0) (\(migrations.count) migrations)")
    }
}
