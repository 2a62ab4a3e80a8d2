// Several files that are one result (a partition's grids, blocks and report; an export) are
// replaced together. Each is staged beside its target; then a commit journal naming the renames
// is written atomically, the renames are done, and the journal is removed. A process killed
// during the renames leaves the journal, and the next writer (or reader) of the directory
// finishes them, so the set is always wholly the old run or wholly the new one. Writers of one
// directory take an exclusive lock on it, so two runs at once commit one after the other.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class AtomicFileSet {
    public let directory: String
    private let lock: Int32
    private var writers: [AtomicWriter] = []
    private var staged: [(name: String, file: StagedFile)] = []
    private var committed = false

    static let journalName = ".wangge-commit"

    /// Creates `directory` (and its parents) when missing, waits for any other writer of it,
    /// and completes a commit that a killed process left half done.
    public init(directory: String) throws(IOError) {
        self.directory = directory
        try Self.makeDirectory(directory)
        lock = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else { throw IOError.system("cannot open directory", directory) }
        while flock(lock, LOCK_EX) != 0 {
            if errno != EINTR { let e = IOError.system("cannot lock directory", directory); close(lock); throw e }
        }
        do { try Self.recover(directory: directory) } catch { close(lock); throw error }
    }

    deinit {
        for s in staged { s.file.discard() }
        close(lock)  // releases the lock
    }

    /// A writer for `name` inside the directory; nothing is visible until `commit()`.
    public func writer(_ name: String) throws(IOError) -> AtomicWriter {
        precondition(!committed && !name.contains("/"), "AtomicFileSet: one flat name, before commit")
        let w = try AtomicWriter(path: FilePath.join(directory, name))
        guard let file = w.stagedFile else {
            throw IOError(path: w.path, action: "cannot write", reason: "it is a device or pipe, not a file")
        }
        writers.append(w)
        staged.append((name, file))
        return w
    }

    /// A temporary file for `name` that other code (SQLite) fills; renamed with the rest.
    public func stage(_ name: String) throws(IOError) -> StagedFile {
        precondition(!committed && !name.contains("/"), "AtomicFileSet: one flat name, before commit")
        let file = try StagedFile(target: FilePath.join(directory, name))
        staged.append((name, file))
        return file
    }

    public func write(_ name: String, _ bytes: [UInt8]) throws(IOError) {
        try writer(name).write(bytes)
    }

    /// Replaces every staged file at once (as far as any reader can tell).
    public func commit() throws(IOError) {
        for w in writers { try w.finish() }
        for s in staged { try s.file.sync() }
        let journal = staged.map { "\(FilePath.name(of: $0.file.temporaryPath))\t\($0.name)\n" }.joined()
        try AtomicFile.write(Array(journal.utf8), to: FilePath.join(directory, Self.journalName))
        for s in staged { try s.file.rename() }
        StagedFile.syncDirectory(directory)
        unlink(FilePath.join(directory, Self.journalName))
        StagedFile.syncDirectory(directory)
        committed = true
    }

    /// Finishes the renames a killed commit left in `directory` (no-op without a journal).
    /// Readers call it too, so they never read half a set; a reader that may not write there
    /// simply reads what is there.
    public static func recover(directory: String) throws(IOError) {
        let journalPath = FilePath.join(directory, journalName)
        guard access(journalPath, F_OK) == 0 else { return }
        guard let bytes = try? InputFile(path: journalPath, finishingInterruptedCommits: false).readAll(limit: 1 << 20) else { return }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2, !parts[0].contains("/"), !parts[1].contains("/") else { continue }
            let temporary = FilePath.join(directory, String(parts[0]))
            if access(temporary, F_OK) == 0, Glibc.rename(temporary, FilePath.join(directory, String(parts[1]))) != 0 {
                throw IOError.system("cannot finish an interrupted write of", FilePath.join(directory, String(parts[1])))
            }
        }
        StagedFile.syncDirectory(directory)
        unlink(journalPath)
    }

    /// `mkdir -p`, with a clear error when a part of the path is a file.
    public static func makeDirectory(_ path: String) throws(IOError) {
        var s = stat()
        if stat(path, &s) == 0 {
            if (s.st_mode & S_IFMT) == S_IFDIR { return }
            throw IOError(path: path, action: "cannot write into", reason: "it is a file, not a directory", code: ENOTDIR)
        }
        let parent = FilePath.directory(of: path)
        if parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw IOError.system("cannot create directory", path) }
    }
}
