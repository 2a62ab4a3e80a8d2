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
