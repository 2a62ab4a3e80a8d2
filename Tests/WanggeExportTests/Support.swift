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

func rgb(_ hex: String) -> UInt32 { UInt32(hex.dropFirst(), radix: 16)! }
