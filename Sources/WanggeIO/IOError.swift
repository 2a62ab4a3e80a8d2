// One error type for files: it names the file, what was being done, and what to do about it,
// so no command shows a raw errno or an NSCocoaErrorDomain code.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct IOError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or directory the user named (not the temporary file behind it).
    public var path: String
    /// What was being done: "cannot write", "cannot read", ...
    public var action: String
    /// The system's reason and the fix, in words.
    public var reason: String
    /// The C errno, when the failure came from the system (0 otherwise).
    public var code: Int32

    public init(path: String, action: String, reason: String, code: Int32 = 0) {
        self.path = path
        self.action = action
        self.reason = reason
        self.code = code
    }

    /// From `errno` after a failed system call on `path`.
    public static func system(_ action: String, _ path: String, errno code: Int32 = errno) -> IOError {
        IOError(path: path, action: action, reason: explain(code, path: path), code: code)
    }

    public var description: String { "\(action) \(path): \(reason)" }

    /// The usual causes in words a planner acts on; anything else in the system's own words.
    static func explain(_ code: Int32, path: String) -> String {
        let directory = FilePath.directory(of: path)
        switch code {
        case ENOSPC: return "no space left on the device (the disk is full; free space or write elsewhere)"
        case EDQUOT: return "disk quota exceeded"
        case EISDIR: return "it is a directory; give a file name inside it"
        case ENOTDIR: return "a part of the path is not a directory"
        case ENOENT:
            var s = stat()
            return stat(directory, &s) == 0 ? "no such file" : "the directory '\(directory)' does not exist"
        case EACCES, EPERM: return "permission denied"
        case EROFS: return "the file system is read-only"
        case EBADF: return "the stream is closed"
        case EPIPE: return "the reader at the other end of the pipe has gone"
        case EEXIST: return "it already exists"
        case ENAMETOOLONG: return "the name is too long"
        case EMFILE, ENFILE: return "too many open files"
        case EIO: return "input/output error (a failing disk or a network drive)"
        default: return String(cString: strerror(code))
        }
    }
}

/// Path arithmetic on plain strings (no Foundation): what `dirname`/`basename` do.
public enum FilePath {
    /// The directory part: "a/b.csv" → "a", "b.csv" → ".", "/b" → "/".
    public static func directory(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        let d = p[..<slash]
        return d.isEmpty ? "/" : String(d)
    }

    /// The last component: "a/b.csv" → "b.csv".
    public static func name(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return String(p) }
        return String(p[p.index(after: slash)...])
    }

    /// `directory` + "/" + `name`, without doubling the slash.
    public static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
