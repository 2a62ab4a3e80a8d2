// The guarantees every store on a DatabasePool gives (the case store, the accounts file): it is
// opened only on a regular file, and made whole before it appears at its path (`StoreFile`); a
// write is one IMMEDIATE transaction, rolled back on any error; and SQLite's errors come back as
// the store's own error type, worded, naming the file (`failure` makes one from a message).
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import WanggeIO

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

/// Where a store on a `DatabasePool` lives (the case store, the accounts file). The place is
/// checked before SQLite sees it: SQLite would read `/dev/null` as an empty store, accept writes
/// into it and lose them, and leave its journal beside the device. A store that does not exist
/// yet is made whole — schema and all — under a temporary name beside it and linked into place, so
/// a full disk or a kill never leaves a half-made store at the path (SQLite would otherwise leave
/// an empty file there), and a store another process made meanwhile is kept, never replaced.
enum StoreFile {
    /// Both stores' connections: another process's transaction is short, so wait for it (10 s)
    /// rather than fail; foreign keys on.
    static var configuration: Configuration {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        return config
    }

    /// The pool on `path`, made when missing, with `prepare` (schema checks and migrations) run on
    /// it. Every failure comes back through `failure`, worded, as the store's own error.
    static func open<Failure: Error>(_ path: String, configuration: Configuration = configuration, failure: (String) -> Failure,
                                     prepare: (DatabasePool) throws -> Void) throws(Failure) -> DatabasePool {
        var st = stat()
        if stat(path, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw failure("it is a directory; name the .sqlite file")
            default: throw failure("it is a device or pipe, not a regular file; a store must be a file on disk (what SQLite wrote there would be lost)")
            }
        } else {
            do { try AtomicFileSet.makeDirectory(FilePath.directory(of: path)) } catch { throw failure("cannot make its directory: \(error.reason)") }
            try create(path, configuration: configuration, failure: failure, prepare: prepare)
        }
        return try mapped(failure) {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try prepare(pool)
            return pool
        }
    }

    /// A new store at `path`, made under a temporary name and linked into place (nothing happens
    /// when another process made one first). Whatever fails, the temporary files are removed; a
    /// killed process's are removed by the next one (`StagedFile`).
    static func create<Failure: Error>(_ path: String, configuration: Configuration, failure: (String) -> Failure,
                                       prepare: (DatabasePool) throws -> Void) throws(Failure) {
        let staged: StagedFile
        do { staged = try StagedFile(target: path) } catch { throw failure(error.reason) }
        try mapped(failure) {
            let pool = try DatabasePool(path: staged.temporaryPath, configuration: configuration)
            try prepare(pool)
            try pool.close()   // checkpointed: the one file is the whole store
        }
        do { _ = try staged.commitIfAbsent() } catch { throw failure(error.reason) }
    }

    static func mapped<T, Failure: Error>(_ failure: (String) -> Failure, _ body: () throws -> T) throws(Failure) -> T {
        do { return try body() } catch let e as Failure { throw e } catch let e as DatabaseError {
            throw failure(SQLiteFailure.explain(e))
        } catch { throw failure("\(error)") }
    }
}
