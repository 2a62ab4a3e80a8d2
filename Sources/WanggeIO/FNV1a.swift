/// 64-bit FNV-1a: a hash that depends on the input alone, never on the process (unlike
/// `Hasher`), for seeds derived from names and for cache keys.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    /// One step with a whole word (a byte, a length, a coordinate's bit pattern).
    public mutating func mix(_ word: UInt64) { value = (value ^ word) &* 0x100_0000_01B3 }

    /// The text's UTF-8 bytes, one step each.
    public mutating func mix(_ text: String) { for b in text.utf8 { mix(UInt64(b)) } }

    public static func hash(_ text: String) -> UInt64 {
        var h = FNV1a()
        h.mix(text)
        return h.value
    }
}

extension FNV1a {
    /// What a file holds, as "<bytes>:<FNV-1a of the bytes, 16 hex digits>": equal stamps mean
    /// the same content, whatever the path or the modification time (a grid file copied or
    /// touched is still the same plan; one edited in QGIS and saved is not).
    public static func stamp(ofFile path: String) throws(IOError) -> String {
        let input = try InputFile(path: path)
        var h = FNV1a(), size = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { raw in Result { () throws(IOError) in try input.read(into: raw) } }.get()
            if n == 0 { break }
            size += n
            for b in chunk[0..<n] { h.mix(UInt64(b)) }
        }
        return stampText(size: size, hash: h.value)
    }

    /// `stamp(ofFile:)` of bytes already read (a pipe cannot be read twice).
    public static func stamp(of bytes: [UInt8]) -> String {
        var h = FNV1a()
        for b in bytes { h.mix(UInt64(b)) }
        return stampText(size: bytes.count, hash: h.value)
    }

    private static func stampText(size: Int, hash: UInt64) -> String {
        let hex = String(hash, radix: 16)
        return "\(size):" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
