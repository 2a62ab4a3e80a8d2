// A regular file mapped read-only for a parser that reads it once, front to back.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a regular file, mapped. Pages the reader has passed can be given back
/// (`release(before:)`): a 200 MB GeoJSON file then never holds 200 MB of memory while it is
/// parsed, only the part being read (the mapping counts in the process's resident size otherwise).
public final class MappedFile {
    public let bytes: UnsafeBufferPointer<UInt8>
    private let base: UnsafeMutableRawPointer?
    private let length: Int
    private var released = 0
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// Given back in steps of at least this much, so `release` costs nothing per call.
    private static let releaseStep = 8 << 20

    /// nil when `path` is not a regular file or cannot be mapped (read it another way).
    public init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        length = Int(info.st_size)
        if length == 0 {
            base = nil
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        _ = madvise(p, length, MADV_SEQUENTIAL)
        base = p
        bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: length)
    }

    deinit {
        if let base { munmap(base, length) }
    }

    /// The reader is past `offset` and will not look before it again. (Looking anyway is safe:
    /// the pages are read from the file again.)
    public func release(before offset: Int) {
        guard let base else { return }
        let end = min(offset, length) / Self.pageSize * Self.pageSize
        guard end - released >= Self.releaseStep else { return }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }
}
