// The one way Wangge replaces a file: the new content goes to a temporary file beside the target
// (same directory, so the rename cannot cross file systems), is fsynced, and is renamed over the
// target, and the directory is fsynced so the rename survives a power cut. A reader sees the old
// file or the new one, never half of one. Whatever fails, the temporary file is removed; a
// temporary file left by a killed process (its PID no longer running) is removed by the next write
// to the same target.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary file beside `target`, renamed over it by `commit()` and removed (with any SQLite
/// `-journal`, `-wal`, `-shm` companions) if it is never committed. Code that writes the file
/// itself — SQLite, say — writes `temporaryPath`; `AtomicWriter` writes it for everyone else.
public final class StagedFile {
    public let target: String
    public let temporaryPath: String
    private var done = false

    /// Marks every temporary file; `.NAME` + this + PID + "-" + random.
    static let marker = ".wangge-tmp-"

    public init(target: String) throws(IOError) {
        self.target = target
        try Self.checkTarget(target)
        let directory = FilePath.directory(of: target), name = FilePath.name(of: target)
        Self.removeStaleTemporaries(directory: directory, name: name)
        temporaryPath = FilePath.join(directory, ".\(name)\(Self.marker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    deinit { if !done { Self.remove(temporaryPath) } }

    /// fsync the finished temporary file (its writer has closed it or will not write again).
    public func sync() throws(IOError) {
        let fd = open(temporaryPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError.system("cannot write", target) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw IOError.system("cannot write", target) }
    }

    /// Renames the temporary file over the target and fsyncs the directory.
    public func commit() throws(IOError) {
        try sync()
        try rename()
        Self.syncDirectory(FilePath.directory(of: target))
    }

    /// The rename alone (a set of files renames all, then fsyncs the directory once).
    func rename() throws(IOError) {
        if Glibc.rename(temporaryPath, target) != 0 {
            let e = IOError.system("cannot replace", target)
            Self.remove(temporaryPath)
            done = true
            throw e
        }
        done = true
        // SQLite may leave an empty journal beside a database it closed cleanly.
        for suffix in ["-journal", "-wal", "-shm"] { unlink(temporaryPath + suffix) }
    }

    /// Puts the finished temporary file in place only if nothing is at the target yet (a hard
    /// link, which never replaces), then removes the temporary name: for a file that another
    /// process may have made meanwhile and already written to — a new database — where `commit()`
    /// would replace that process's file. Returns false, and removes the temporary file, when the
    /// target exists. On a file system without hard links (EPERM), a rename when the target is
    /// still absent.
    public func commitIfAbsent() throws(IOError) -> Bool {
        try sync()
        defer { Self.remove(temporaryPath); done = true }
        if link(temporaryPath, target) == 0 {
            Self.syncDirectory(FilePath.directory(of: target))
            return true
        }
        let code = errno
        if code == EEXIST { return false }
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP else { throw IOError.system("cannot write", target, errno: code) }
        if access(target, F_OK) == 0 { return false }
        if Glibc.rename(temporaryPath, target) != 0 { throw IOError.system("cannot write", target) }
        Self.syncDirectory(FilePath.directory(of: target))
        return true
    }

    /// Gives up: removes the temporary file now rather than at deinit.
    public func discard() {
        if !done { Self.remove(temporaryPath); done = true }
    }

    static func remove(_ temporary: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
    }

    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// A target must be a regular file or not exist yet, in a directory that exists.
    static func checkTarget(_ target: String) throws(IOError) {
        if target.isEmpty { throw IOError(path: "''", action: "cannot write", reason: "the file name is empty") }
        if target.hasSuffix("/") {
            throw IOError(path: target, action: "cannot write", reason: "a file name is needed, not a directory", code: EISDIR)
        }
        var s = stat()
        if stat(target, &s) == 0 {
            if (s.st_mode & S_IFMT) == S_IFDIR {
                throw IOError(path: target, action: "cannot write", reason: "it is a directory; give a file name inside it", code: EISDIR)
            }
            // A device or pipe cannot be replaced by renaming (that would swap /dev/full for a
            // regular file); `AtomicWriter` streams into those in place before it gets here.
            if (s.st_mode & S_IFMT) != S_IFREG {
                throw IOError(path: target, action: "cannot write", reason: "it is a device or pipe, not a regular file; this output (a database) must be a file")
            }
        } else if errno != ENOENT {
            throw IOError.system("cannot write", target)
        }
        let directory = FilePath.directory(of: target)
        var d = stat()
        if stat(directory, &d) != 0 {
            throw IOError(path: target, action: "cannot write", reason: "the directory '\(directory)' does not exist", code: ENOENT)
        }
        if (d.st_mode & S_IFMT) != S_IFDIR {
            throw IOError(path: target, action: "cannot write", reason: "'\(directory)' is not a directory", code: ENOTDIR)
        }
    }

    /// Temporary files for `name` whose process is gone (killed, or the machine stopped). Also the
    /// names earlier versions used (`.NAME.tmp-PID…`).
    static func removeStaleTemporaries(directory: String, name: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        var stale: [String] = []
        let prefixes = [".\(name)\(marker)", ".\(name).tmp-"]
        while let entry = readdir(dir) {
            let entryName = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            for prefix in prefixes where entryName.hasPrefix(prefix) {
                let digits = entryName.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
                guard let pid = Int32(digits), pid > 0 else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { stale.append(entryName) }
            }
        }
        for entryName in stale.sorted() { unlink(FilePath.join(directory, entryName)) }
    }
}

/// Streams bytes into a `StagedFile` (or straight to a device, FIFO or standard output, which
/// cannot be replaced): nothing reaches the target until `commit()`. Every write is checked.
public final class AtomicWriter {
    public let path: String
    private let staged: StagedFile?
    private var fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var closed = false
    private static let bufferSize = 1 << 20

    /// `path` "-" is standard output. `permissions`: the new file's mode (e.g. 0o600 for a
    /// secret); nil keeps an existing target's, else 0o644.
    public init(path: String, permissions: mode_t? = nil) throws(IOError) {
        self.path = path
        buffer.reserveCapacity(Self.bufferSize)
        if path == "-" {
            staged = nil; fd = STDOUT_FILENO; ownsDescriptor = false
            return
        }
        var s = stat()
        if stat(path, &s) == 0, [S_IFCHR, S_IFIFO, S_IFSOCK].contains(s.st_mode & S_IFMT) {
            // /dev/null, /dev/stdout, a named pipe: write in place.
            staged = nil
            fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw IOError.system("cannot write", path) }
            ownsDescriptor = true
            return
        }
        let staged = try StagedFile(target: path)
        fd = open(staged.temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError.system("cannot write", path) }
        // An existing target keeps its permissions, as an editor saving over it would.
        if let permissions {
            guard fchmod(fd, permissions) == 0 else { close(fd); staged.discard(); throw IOError.system("cannot set the permissions of", path) }
        } else if stat(path, &s) == 0 { _ = fchmod(fd, s.st_mode & 0o7777) }
        self.staged = staged
        ownsDescriptor = true
    }

    /// Standard output, as a writer (errors say "standard output").
    public static func standardOutput() -> AtomicWriter {
        // Cannot fail for "-".
        try! AtomicWriter(path: "-")
    }

    deinit {
        if ownsDescriptor, !closed { close(fd) }
        staged?.discard()
    }

    var displayName: String { path == "-" ? "standard output" : path }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
        if buffer.count + bytes.count > Self.bufferSize { try drain() }
        if bytes.count >= Self.bufferSize { try writeAll(bytes); return }
        buffer.append(contentsOf: bytes)
    }

    public func write(_ bytes: [UInt8]) throws(IOError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(IOError) in try write(raw) } }.get()
    }

    public func write(_ text: String) throws(IOError) {
        var t = text
        try t.withUTF8 { raw in Result { () throws(IOError) in try write(UnsafeRawBufferPointer(raw)) } }.get()
    }

    /// Pushes buffered bytes to the file (or terminal) now; the target still isn't replaced.
    public func flush() throws(IOError) { try drain() }

    private func drain() throws(IOError) {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in Result { () throws(IOError) in try writeAll(raw) } }.get()
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws(IOError) {
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError.system("cannot write", displayName)
            }
            done += n
        }
    }

    /// Flushes, fsyncs and closes the temporary file without replacing the target
    /// (`AtomicFileSet` renames several at once).
    func finish() throws(IOError) {
        try drain()
        guard staged != nil else { return }
        if fsync(fd) != 0 { throw IOError.system("cannot write", path) }
        closed = true
        if close(fd) != 0 { throw IOError.system("cannot write", path) }
    }

    var stagedFile: StagedFile? { staged }

    /// Writes what is buffered and replaces the target.
    public func commit() throws(IOError) {
        try finish()
        if let staged {
            try staged.rename()
            StagedFile.syncDirectory(FilePath.directory(of: path))
        } else if ownsDescriptor {
            closed = true
            if close(fd) != 0 { throw IOError.system("cannot write", displayName) }
        }
    }
}

/// Whole-file replacement in one call.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, permissions: mode_t? = nil) throws(IOError) {
        let w = try AtomicWriter(path: path, permissions: permissions)
        try w.write(bytes)
        try w.commit()
    }
}
