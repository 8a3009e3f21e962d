import ArgumentParser
import Store

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a database, or bring an existing one up to this ipt's schema.",
        discussion: "Applies every pending migration, each in its own transaction. Safe to run again.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try Store.open(path: database.db)
        let migrations = try Migration.embedded()
        print("database \(store.path) is at schema version \(migrations.last?.version ?? 0) (\(migrations.count) migrations)")
    }
}
