import Crypto
import Foundation

/// Lowercase hex, the way every hash in the database is written.
///
///     Hex.string([0xAB, 0x01])             // "ab01"
///     Hex.sha256(Data("abc".utf8))         // "ba7816bf…"
///     Hex.sha256("abc")                    // the same
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(2 * bytes.underestimatedCount)
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// A table rather than `String(format:)`: every ingested text is hashed, and formatting
    /// each byte separately would cost more than the hash.
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex SHA-256 of `data`.
    public static func sha256(_ data: some DataProtocol) -> String {
        string(SHA256.hash(data: data))
    }

    /// Lowercase hex SHA-256 of a text's UTF-8 bytes.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }
}
