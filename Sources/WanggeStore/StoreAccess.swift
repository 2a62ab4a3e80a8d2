// The two guarantees every store on a DatabasePool gives (the case store, the accounts file): a
// write is one IMMEDIATE transaction, rolled back on any error; and SQLite's errors come back as
// the store's own error type, worded, naming the file (`failure` makes one from a message).
import GRDB

extension DatabasePool {
    func immediateTransaction<T, Failure: Error>(_ body: (Database) throws -> T, failure: (String) -> Failure) throws(Failure) -> T {
        do {
            return try writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw failure("the transaction returned nothing") }
                return result
            }
        } catch let e as Failure { throw e } catch let e as DatabaseError {
            throw failure(SQLiteFailure.explain(e))
        } catch { throw failure("\(error)") }
    }

    func storeRead<T, Failure: Error>(_ body: (Database) throws -> T, failure: (String) -> Failure) throws(Failure) -> T {
        do { return try read(body) } catch let e as Failure { throw e } catch let e as DatabaseError {
            throw failure(SQLiteFailure.explain(e))
        } catch { throw failure("\(error)") }
    }
}
