import Crypto
import _CryptoExtras
import Foundation

/// Slow salted password hashes: PBKDF2-HMAC-SHA256 (BoringSSL through swift-crypto), 16-byte
/// random salt, 32-byte key, encoded `pbkdf2-sha256$ROUNDS$SALT$KEY` (base64) so the rounds can
/// be raised later without invalidating stored hashes. PBKDF2 rather than bcrypt: bcrypt reads
/// only the first 72 bytes (24 Chinese characters in UTF-8), and swift-crypto also gives the
/// SHA-256 and constant-time compare the session tokens need — one dependency, not two.
public enum PasswordHash {
    /// OWASP's figure for PBKDF2-HMAC-SHA256 (2023); about 0.1 s on this machine (release).
    public static let defaultRounds = 600_000
    /// swift-crypto's floor (OWASP 2021): fewer is refused, in new hashes and stored ones.
    public static let minimumRounds = 210_000
    static let prefix = "pbkdf2-sha256"

    public static func make(_ password: String, rounds: Int = defaultRounds) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()  // getrandom(2) on Linux: a CSPRNG
        for i in salt.indices { salt[i] = rng.next() }
        let key = try derive(password, salt: salt, rounds: rounds)
        return "\(prefix)$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Whether `password` gives `stored`. A malformed stored hash never matches.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == prefix, let rounds = Int(parts[1]), (minimumRounds...10_000_000).contains(rounds),
              let salt = Data(base64Encoded: String(parts[2])), let key = Data(base64Encoded: String(parts[3])), key.count == 32,
              let derived = try? derive(password, salt: Array(salt), rounds: rounds)
        else { return false }
        return constantTimeEqual(derived, Array(key))
    }

    /// A hash to verify against when the account does not exist, so a wrong name costs the same
    /// time as a wrong password (no user enumeration by timing).
    public static let decoy: String = (try? make("decoy password, never valid")) ?? ""

    static func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: rounds)
        return key.withUnsafeBytes { Array($0) }
    }
}

/// Compares two byte strings in time that depends only on their lengths.
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var d: UInt8 = 0
    for i in a.indices { d |= a[i] ^ b[i] }
    return d == 0
}

/// A session's secrets: the token (32 random bytes, base64url; only its SHA-256 is stored, so a
/// copy of the accounts file opens no session) and the CSRF token the page echoes in a header.
public struct SessionSecrets: Sendable {
    public var token: String
    public var csrf: String

    public static func random() -> SessionSecrets {
        SessionSecrets(token: randomToken(32), csrf: randomToken(32))
    }

    public init(token: String, csrf: String) { self.token = token; self.csrf = csrf }

    /// What the store keeps of a token: its SHA-256, hex.
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomToken(_ bytes: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return Data(raw).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
