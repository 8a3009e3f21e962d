import Foundation
import Store

/// A raw text with everything `raw_texts` stores about it computed up front (hash, counts), so
/// the expensive part of an ingest can run off the thread that writes to SQLite.
///
///     let prepared = PreparedText(text: "hello", externalId: "doc-1")
///     prepared.byteCount   // 5
public struct PreparedText: Sendable {
    public var text: String
    public var externalId: String?
    /// Lowercase hex, as `raw_texts.sha256` stores it.
    public var sha256: String
    public var charCount: Int
    public var byteCount: Int

    public init(text: String, externalId: String?) {
        var text = text
        (sha256, byteCount, charCount) = text.withUTF8 { utf8 in
            (Hex.sha256(UnsafeRawBufferPointer(utf8)), utf8.count, PreparedText.scalarCount(utf8))
        }
        self.text = text
        self.externalId = externalId
    }

    /// Unicode scalars in UTF-8 bytes (the count Python's `len` gives): every byte that does not
    /// continue a sequence starts one.
    static func scalarCount(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        var continuation = 0
        for byte in utf8 { continuation &+= Int((byte & 0xC0) == 0x80 ? 1 : 0) }
        return utf8.count - continuation
    }

    /// Whether the text holds a NUL character, which SQLite text binding would cut at.
    var containsNUL: Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return false }
            return memchr(base, 0, utf8.count) != nil
        }
    }
}
