import Foundation
@_exported import WanggeTestSupport
import Testing
import WanggeDistrict
import WanggeExport
import WanggeGrids

/// Shared fixtures: the bundled Shawan partitioned once, exported once, and helpers that run the
/// real clients (GDAL's ogrinfo, headless Chromium). A missing client is a failure naming the
/// Debian package to install (tools/ensure-test-clients.sh does it; `make test` runs that).
enum Fixture {
    static let boundaries = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("boundaries").path

    /// Without a grids file, `load` partitions the bundled plan (as `wangge export` does).
    static let input: ExportInput = try! ExportInput.load(boundaries: boundaries, gridsFile: nil)

    static func temporaryDirectory(_ name: String) -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("wangge-export-tests-\(getpid())/\(name)")
        try? FileManager.default.removeItem(atPath: dir)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The full export of the bundled plan (WGS-84), written once.
    static let exportDirectory: String = {
        let dir = temporaryDirectory("wgs84")
        _ = try! DistrictExport(input).write(to: dir)
        return dir
    }()
}

/// `ogrinfo -so -al FILE` as text.
func ogrinfo(_ file: String, _ extra: [String] = []) throws -> String {
    let r = try run("ogrinfo", package: "gdal-bin", ["-so", "-al"] + extra + [file])
    guard r.status == 0 else { throw ClientError(description: "ogrinfo \(file) failed (\(r.status)): \(r.err)") }
    return String(decoding: r.out, as: UTF8.self)
}

/// Per layer of an ogrinfo summary: (name, feature count, EPSG code of its CRS).
func layers(inOgrinfo text: String) -> [(name: String, count: Int, epsg: Int?)] {
    var out: [(String, Int, Int?)] = []
    for block in text.components(separatedBy: "\nLayer name: ").dropFirst() {
        let name = String(block.prefix { $0 != "\n" })
        let count = block.range(of: "Feature Count: ").map { Int(block[$0.upperBound...].prefix { $0.isNumber }) ?? -1 } ?? -1
        // The layer CRS's own ID is the last top-level ID[...] of its WKT: `    ID["EPSG",4326]]`.
        var epsg: Int?
        if let r = block.range(of: "\n    ID[\"EPSG\",", options: .backwards) {
            epsg = Int(block[r.upperBound...].prefix { $0.isNumber })
        }
        out.append((name, count, epsg))
    }
    return out
}

/// Headless Chromium screenshot of a page, decoded to RGBA pixels.
func screenshot(_ url: String, width: Int, height: Int, name: String) throws -> RGBAImage {
    let png = (Fixture.temporaryDirectory("shot-\(name)") as NSString).appendingPathComponent("shot.png")
    let r = try run("chromium", package: "chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                      "--force-device-scale-factor=1", "--window-size=\(width),\(height)",
                                                      "--screenshot=\(png)", url])
    guard r.status == 0, let data = FileManager.default.contents(atPath: png) else {
        throw ClientError(description: "chromium wrote no screenshot (\(r.status)): \(r.err.suffix(500))")
    }
    return try RGBAImage(png: [UInt8](data))
}

/// A PNG decoded in Swift (chunks, filters), with zlib inflation done by python3's zlib module
/// (Foundation on Linux has no zlib API).
struct RGBAImage {
    var width = 0, height = 0
    var pixels: [UInt32] = []   // 0xRRGGBB (alpha dropped)

    init(png: [UInt8]) throws {
        guard png.count > 8, png[0] == 0x89, png[1] == 0x50 else { throw ClientError(description: "not a PNG") }
        var i = 8, idat: [UInt8] = [], colourType = 0, depth = 0, interlace = 0
        func be32(_ k: Int) -> Int { Int(png[k]) << 24 | Int(png[k + 1]) << 16 | Int(png[k + 2]) << 8 | Int(png[k + 3]) }
        while i + 8 <= png.count {
            let len = be32(i), type = String(decoding: png[i + 4..<i + 8], as: UTF8.self)
            let body = i + 8
            if type == "IHDR" { width = be32(body); height = be32(body + 4); depth = Int(png[body + 8]); colourType = Int(png[body + 9]); interlace = Int(png[body + 12]) }
            if type == "IDAT" { idat += png[body..<body + len] }
            if type == "IEND" { break }
            i = body + len + 4
        }
        guard depth == 8, interlace == 0, colourType == 2 || colourType == 6 else {
            throw ClientError(description: "unsupported PNG: depth \(depth), colour type \(colourType), interlace \(interlace)")
        }
        let inflated = try run("python3", package: "python3",
                               ["-c", "import sys,zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))"], stdin: Data(idat))
        guard inflated.status == 0 else { throw ClientError(description: "inflate failed: \(inflated.err)") }
        let raw = [UInt8](inflated.out)
        let bpp = colourType == 6 ? 4 : 3, stride = width * bpp
        guard raw.count == height * (stride + 1) else { throw ClientError(description: "PNG data has \(raw.count) bytes, expected \(height * (stride + 1))") }
        var prev = [UInt8](repeating: 0, count: stride), cur = [UInt8](repeating: 0, count: stride)
        pixels.reserveCapacity(width * height)
        for y in 0..<height {
            let row = y * (stride + 1), filter = raw[row]
            for x in 0..<stride {
                let v = raw[row + 1 + x]
                let a = x >= bpp ? Int(cur[x - bpp]) : 0, b = Int(prev[x]), c = x >= bpp ? Int(prev[x - bpp]) : 0
                var pred = 0
                switch filter {
                case 1: pred = a
                case 2: pred = b
                case 3: pred = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: pred = 0
                }
                cur[x] = UInt8(truncatingIfNeeded: Int(v) + pred)
            }
            for x in 0..<width {
                let k = x * bpp
                pixels.append(UInt32(cur[k]) << 16 | UInt32(cur[k + 1]) << 8 | UInt32(cur[k + 2]))
            }
            swap(&prev, &cur)
        }
    }

    /// How many pixels have each exact colour.
    func histogram() -> [UInt32: Int] {
        var h: [UInt32: Int] = [:]
        for p in pixels { h[p, default: 0] += 1 }
        return h
    }
}

func rgb(_ hex: String) -> UInt32 { UInt32(hex.dropFirst(), radix: 16)! }
