// Freed memory back to the system between the phases of a command.
#if canImport(Glibc)
import Glibc
#endif

public enum FreedMemory {
    /// Returns the allocator's free pages to the system (glibc's `malloc_trim`). After a phase that
    /// allocated many small pieces — GEOS geometries in the grid check — glibc keeps their pages,
    /// and the next phase's large arrays (mapped apart) come on top of them: on a big grid file
    /// the check's leftovers raised `assign`'s peak by about 0.7 × the file size.
    public static func giveBack() {
        #if canImport(Glibc)
        // Looked up, not declared: Swift's Glibc module leaves out <malloc.h>; another C library
        // without it is simply left alone.
        guard let trim = mallocTrim else { return }
        _ = trim(0)
        #endif
    }

    #if canImport(Glibc)
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let mallocTrim: MallocTrim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: MallocTrim.self) }
    #endif
}
