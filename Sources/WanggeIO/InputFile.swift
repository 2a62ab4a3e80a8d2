// Reading what the user names: a file, "-" (standard input), a pipe (`<(cat f)`, /dev/stdin) or
// a device. Foundation's readers fail on pipes with "You don't have permission"; these read
// anything that can be read and say clearly what cannot.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A readable file descriptor, read in chunks (the caller decides how much to keep).
public final class InputFile {
    public let path: String
    private let fd: Int32
    private let owned: Bool
    /// Bytes already read by `peekFirstNonBlank()`, served before the descriptor.
    private var pushedBack: [UInt8] = []

    /// "-" is standard input.
    public convenience init(path: String) throws(IOError) {
        try self.init(path: path, finishingInterruptedCommits: true)
    }

    init(path: String, finishingInterruptedCommits: Bool) throws(IOError) {
        self.path = path
        if path == "-" { fd = STDIN_FILENO; owned = false; return }
        var s = stat()
        if stat(path, &s) == 0, (s.st_mode & S_IFMT) == S_IFDIR {
            throw IOError(path: path, action: "cannot read", reason: "it is a directory; give a file inside it", code: EISDIR)
        }
        // A reader never sees half a set: finish a commit a killed writer left here.
        if finishingInterruptedCommits { try? AtomicFileSet.recover(directory: FilePath.directory(of: path)) }
        let f = open(path, O_RDONLY | O_CLOEXEC)
        guard f >= 0 else { throw IOError.system("cannot read", path) }
        fd = f; owned = true
    }

    deinit { if owned { close(fd) } }

    public var displayName: String { path == "-" ? "standard input" : path }

    /// Fills up to `buffer.count` bytes; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        if !pushedBack.isEmpty {
            let n = min(buffer.count, pushedBack.count)
            pushedBack.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            pushedBack.removeFirst(n)
            return n
        }
        return try readDescriptor(into: buffer)
    }

    /// The first byte that is not whitespace or a byte-order mark (nil for an empty stream),
    /// without consuming anything: works on pipes, where one cannot seek back.
    public func peekFirstNonBlank() throws(IOError) -> UInt8? {
        var seen: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        defer { pushedBack = seen + pushedBack }
        while true {
            let first = seen.starts(with: CSV.byteOrderMark) ? 3 : 0
            if seen.count >= 3 || !CSV.byteOrderMark.starts(with: seen) {
                for c in seen[first...] where !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) { return c }
            }
            let n = try chunk.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try readDescriptor(into: raw) } }.get()
            if n == 0 { return nil }
            seen.append(contentsOf: chunk[0..<n])
            if seen.count > 1 << 20 { return nil }
        }
    }

    private func readDescriptor(into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IOError.system("cannot read", displayName)
        }
    }

    /// Everything, refusing more than `limit` bytes with a clear error.
    public func readAll(limit: Int = Int.max) throws(IOError) -> [UInt8] {
        var out: [UInt8] = []
        var s = stat()
        if fstat(fd, &s) == 0, (s.st_mode & S_IFMT) == S_IFREG, s.st_size > 0 {
            if Int(s.st_size) > limit { throw tooLarge(limit) }
            out.reserveCapacity(Int(s.st_size))
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try read(into: raw) } }.get()
            if n == 0 { break }
            if out.count + n > limit { throw tooLarge(limit) }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    private func tooLarge(_ limit: Int) -> IOError {
        IOError(path: displayName, action: "cannot read", reason: "it is larger than \(limit >> 20) MiB")
    }

    /// The whole of `path` ("-" for standard input).
    public static func read(_ path: String, limit: Int = Int.max) throws(IOError) -> [UInt8] {
        try InputFile(path: path).readAll(limit: limit)
    }
}

/// Lines of a stream, without their "\n" (and "\r"), each at most `maxLineBytes` long: a
/// runaway line (a binary file, a whole JSON document on one line) is an error naming the line,
/// not a gigabyte of memory.
public struct LineReader {
    public let input: InputFile
    public let maxLineBytes: Int
    public private(set) var lineNumber = 0
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false

    public init(_ input: InputFile, maxLineBytes: Int = 1 << 20) {
        self.input = input
        self.maxLineBytes = maxLineBytes
    }

    /// The next line's bytes, or nil at the end.
    public mutating func next() throws(IOError) -> ArraySlice<UInt8>? {
        var scan = start
        while true {
            if let nl = buffer[scan...].firstIndex(of: 0x0A) {
                var line = buffer[start..<nl]
                if line.last == 0x0D { line = line.dropLast() }
                start = nl + 1
                lineNumber += 1
                if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
                return line
            }
            if buffer.count - start > maxLineBytes {
                throw IOError(path: input.displayName, action: "cannot read",
                              reason: "line \(lineNumber + 1) is longer than \(maxLineBytes) bytes (is this the right file?)")
            }
            if eof {
                guard start < buffer.count else { return nil }
                var line = buffer[start...]
                if line.last == 0x0D { line = line.dropLast() }
                start = buffer.count
                lineNumber += 1
                if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
                return line
            }
            if start > 0 { buffer.removeFirst(start); start = 0 }
            scan = buffer.count
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = try chunk.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try input.read(into: raw) } }.get()
            if n == 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<n]) }
        }
    }
}

/// Which paths name the same file: an output must never overwrite one of the inputs.
public enum FileIdentity {
    /// The same existing file (device and inode), or the same path once the directory part is
    /// resolved (for outputs that do not exist yet). "-" is never a file.
    public static func same(_ a: String, _ b: String) -> Bool {
        if a == "-" || b == "-" { return false }
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 {
            return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
        }
        return canonical(a) == canonical(b)
    }

    static func canonical(_ path: String) -> String {
        let directory = FilePath.directory(of: path), name = FilePath.name(of: path)
        guard let resolved = realpath(directory, nil) else { return path }
        defer { free(resolved) }
        return FilePath.join(String(cString: resolved), name)
    }

    /// Throws when `output` is one of `inputs` (named by what they are, e.g. "--grids").
    public static func checkDistinct(output: (flag: String, path: String), from inputs: [(flag: String, path: String)]) throws(IOError) {
        for input in inputs where same(output.path, input.path) {
            throw IOError(path: output.path, action: "refusing to write", reason:
                "\(output.flag) names the same file as \(input.flag); writing one would destroy the other — choose another file")
        }
    }
}

/// Messages for the terminal. A closed or full standard error must not stop (or crash) the
/// work, so failures here are ignored — there is nowhere left to report them.
public enum StandardError {
    public static func write(_ text: String) {
        var t = text
        t.withUTF8 { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(STDERR_FILENO, raw.baseAddress! + done, raw.count - done)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }
}
