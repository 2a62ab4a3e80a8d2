// geos-leakcheck: runs the GEOS wrapper's hot paths many times and watches resident memory.
// A leak of even one small geometry per iteration shows as steady RSS growth after warm-up.
//
//   geos-leakcheck [iterations=100000] [allowed growth in KiB=1024]
// Exits 1 if RSS grows by more than the allowance between the end of warm-up (10%) and the end.

#if canImport(Glibc)
import Glibc
#endif
import WanggeGeometry

func residentKiB() -> Int {
    // /proc/self/statm: size resident shared ... in pages.
    guard let file = fopen("/proc/self/statm", "r") else { return -1 }
    defer { fclose(file) }
    var size = 0, resident = 0
    guard withUnsafeMutablePointer(to: &size, { s in withUnsafeMutablePointer(to: &resident) { r in
        withVaList([s, r]) { vfscanf(file, "%ld %ld", $0) }
    } }) == 2 else { return -1 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let allowedGrowthKiB = arguments.count > 2 ? Int(arguments[2]) ?? 1024 : 1024

func square(_ x: Double, _ y: Double, _ size: Double) -> Geometry {
    .polygon(Polygon(exterior: [Coordinate(x, y), Coordinate(x + size, y), Coordinate(x + size, y + size),
                                Coordinate(x, y + size), Coordinate(x, y)]))
}

/// The GEOS objects reused across iterations, as a real caller would hold them.
struct Workload {
    let context = GEOSContext()
    let grid: GEOSGeometryHandle
    let boxes: [Envelope]

    init() throws {
        grid = try context.geometry(wkt: """
            MULTILINESTRING ((0 0, 3 0), (0 1, 3 1), (0 2, 3 2), (0 3, 3 3), \
            (0 0, 0 3), (1 0, 1 3), (2 0, 2 3), (3 0, 3 3), (3 3, 4 4))
            """)
        boxes = (0..<64).map { (i: Int) -> Envelope in
            let x = Double(i % 8), y = Double(i / 8)
            return Envelope(minX: x, minY: y, maxX: x + 1.5, maxY: y + 1.5)
        }
    }

    /// One iteration of every path that allocates in GEOS; returns a checksum so nothing is elided.
    func iteration(_ i: Int) throws -> Double {
        let shift = Double(i % 7) * 0.1
        var checksum = 0.0

        // Polygonize (plain and full) of noded linework.
        let noded = try grid.node()
        checksum += try context.polygonize([noded]).area()
        let full = try context.polygonizeFull([noded])
        checksum += try full.polygons.area()
        checksum += Double(try full.dangles.numberOfGeometries())

        // Overlay and validity repair.
        let a = try context.geometry(from: square(shift, 0, 2))
        let b = try context.geometry(from: square(1, 1, 2))
        checksum += try a.intersection(b).area()
        checksum += try context.union(of: [a, b]).area()
        checksum += try context.geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))").makeValid().report.areaAfter

        // Validity detail (frees a reason string and a location point), constructive operations.
        let bowtie = try context.geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))")
        checksum += try bowtie.validity().location?.x ?? 0
        checksum += Double(try bowtie.validityReason().count)
        checksum += try a.buffer(width: 0.5, style: BufferStyle(quadrantSegments: 4, joinStyle: .mitre)).area()
        checksum += try a.simplifyPreservingTopology(tolerance: 0.1).area()
        checksum += try b.snapped(to: a, tolerance: 0.2).area()
        checksum += try noded.lineMerge().length()
        checksum += try a.exteriorRing().clone().length()

        // Prepared point tests and a borrowed part.
        let prepared = try a.prepared()
        checksum += try prepared.contains(Coordinate(1, 1)) ? 1 : 0
        checksum += try prepared.intersects(b) ? 1 : 0
        checksum += try full.polygons.geometry(at: 0).area()

        // STRtree build, query and nearest.
        let tree = try STRtree(context: context, envelopes: boxes)
        checksum += Double(try tree.query(Envelope(minX: shift, minY: 2, maxX: 4, maxY: 5)).count)
        checksum += Double(try tree.nearest(to: Coordinate(20, 20)) ?? -1)

        // WKB and WKT round trips, plus an error path (the message must not leak either).
        let wkb = try b.wkb()
        checksum += try context.geometry(wkb: wkb).value().envelope?.maxX ?? 0
        checksum += Double(try a.wkt(precision: 3).count)
        if (try? context.geometry(wkt: "POLYGON ((0 0")) == nil { checksum += 1 }
        if (try? full.polygons.geometry(at: 99)) == nil { checksum += 1 }
        return checksum
    }
}

let workload = try Workload()
print("geos-leakcheck: \(iterations) iterations, allowed growth after warm-up \(allowedGrowthKiB) KiB")
let step = max(1, iterations / 10)
var checksum = 0.0
var samples: [(Int, Int)] = [(0, residentKiB())]
print("  iteration 0: RSS \(samples[0].1) KiB")
for i in 0..<iterations {
    checksum += try workload.iteration(i)
    if (i + 1) % step == 0 || i + 1 == iterations {
        let rss = residentKiB()
        samples.append((i + 1, rss))
        print("  iteration \(i + 1): RSS \(rss) KiB")
    }
}
// Warm-up ends at the first 10% sample: allocator pools and lazy GEOS objects are in place.
let warm = samples.count > 1 ? samples[1].1 : samples[0].1
let final = samples[samples.count - 1].1
let growth = final - warm
print("checksum \(checksum)")
print("RSS after warm-up \(warm) KiB, final \(final) KiB, growth \(growth) KiB (allowed \(allowedGrowthKiB))")
if growth > allowedGrowthKiB {
    print("FAIL: resident memory kept growing: likely a leak")
    exit(1)
}
print("OK")
