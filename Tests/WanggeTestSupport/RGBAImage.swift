// PNG screenshots decoded for tests that look at what a browser drew (maps, pages).
import Foundation

/// A PNG decoded in Swift (chunks, filters), with zlib inflation done by python3's zlib module
/// (Foundation on Linux has no zlib API).
public struct RGBAImage {
    public var width = 0, height = 0
    public var pixels: [UInt32] = []   // 0xRRGGBB (alpha dropped)

    public init(png: [UInt8]) throws {
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
    public func histogram() -> [UInt32: Int] {
        var h: [UInt32: Int] = [:]
        for p in pixels { h[p, default: 0] += 1 }
        return h
    }
}
