import Crypto
import Foundation

/// Lowercase hex, the way every hash in the database is written.
///
///     Hex.string([0xAB, 0x01])             // "ab01"
///     Hex.sha256(Data("abc".utf8))         // "ba7816bf…"
///     Hex.sha256("abc")                    // the same
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Lowercase hex SHA-256 of `data`.
    public static func sha256(_ data: some DataProtocol) -> String {
        string(SHA256.hash(data: data))
    }

    /// Lowercase hex SHA-256 of a text's UTF-8 bytes.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }
}
