/// String operations on exact Unicode scalars / UTF-8 bytes. Swift's `String` compares and
/// searches by grapheme cluster under canonical equivalence (" \u{301}" is one character that
/// does not contain " "), while HF `tokenizers` works on code points; tokenizers must do the latter.
///
///     ScalarText.replacing(" ", with: "▁", in: "a \u{301}")   // "a▁\u{301}"
///     ScalarText.hasPrefix("▁", "▁\u{301}")                   // true
enum ScalarText {
    static func replacing(_ pattern: String, with replacement: String, in text: String) -> String {
        let source = Array(text.utf8)
        let needle = Array(pattern.utf8)
        guard !needle.isEmpty, source.count >= needle.count else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(source.count)
        var i = 0
        while i < source.count {
            if source[i] == needle[0], i + needle.count <= source.count, source[i..<(i + needle.count)].elementsEqual(needle) {
                result.append(contentsOf: replacement.utf8)
                i += needle.count
            } else {
                result.append(source[i])
                i += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func hasPrefix(_ prefix: String, _ text: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    /// `text` without up to `start` leading and `stop` trailing scalars equal to `scalar`.
    static func strip(_ scalar: Unicode.Scalar, start: Int, stop: Int, from text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var removed = 0
        while removed < start, scalars.first == scalar { scalars.removeFirst(); removed += 1 }
        removed = 0
        while removed < stop, scalars.last == scalar { scalars.removeLast(); removed += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
