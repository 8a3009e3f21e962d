import GRDB
import Store

extension Store {
    /// One immediate transaction for a synthesis worker: taking the write lock first means two
    /// workers never both read "round complete" and then both create the next round.
    func immediate<T>(run runId: Int64, _ body: @escaping (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            var value: T?
            try db.inTransaction(.immediate) {
                value = try body(db)
                return .commit
            }
            guard let value else { throw SynthesisError.unknownRun(runId) }
            return value
        }
    }
}
