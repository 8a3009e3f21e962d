/// Splits UTF-8 text into pre-tokens ("words") exactly as the GPT-2 pattern does under HF
/// `tokenizers`' ByteLevel pre-tokenizer (leftmost-first alternation, greedy runs):
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// Hand-written over Unicode scalars because a regex engine is several times slower here.
///
///     var words: [String] = []
///     GPT2PreTokenizer.split(Array("Hello  world's".utf8)) { words.append(String(decoding: $0, as: UTF8.self)) }
///     // ["Hello", " ", " world", "'s"]
public enum GPT2PreTokenizer {
    /// Calls `body` with each pre-token of `text` (valid UTF-8), in order.
    public static func split(_ text: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try text.withUnsafeBufferPointer { buffer in
            try split(buffer) { range in try body(UnsafeBufferPointer(rebasing: buffer[range])) }
        }
    }

    /// Calls `body` with the byte range of each pre-token of `text` (valid UTF-8), in order.
    @inline(__always)
    public static func split(_ text: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) throws -> Void) rethrows {
        let end = text.count
        var i = 0
        while i < end {
            let first = text[i]
            // Contractions: an apostrophe and a lowercase ASCII suffix.
            if first == 0x27, i + 1 < end {
                let a = text[i + 1]
                if a == 0x73 || a == 0x74 || a == 0x6D || a == 0x64 {  // s t m d
                    try body(i..<(i + 2)); i += 2; continue
                }
                if i + 2 < end {
                    let b = text[i + 2]
                    if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) {  // re ve ll
                        try body(i..<(i + 3)); i += 3; continue
                    }
                }
            }
            let (scalar, width) = decode(text, at: i)
            var cls = ScalarClass.of(scalar)
            var runStart = i + width
            if first == 0x20, runStart < end {
                // " ?X+": a single space joins a following letter, number or symbol run.
                let (next, nextWidth) = decode(text, at: runStart)
                let nextClass = ScalarClass.of(next)
                if nextClass != .whitespace {
                    cls = nextClass
                    runStart += nextWidth
                }
            }
            if cls != .whitespace {
                var j = runStart
                while j < end {
                    let (s, w) = decode(text, at: j)
                    if ScalarClass.of(s) != cls { break }
                    j += w
                }
                try body(i..<j); i = j; continue
            }
            // White space: `\s+(?!\S)` takes the run but leaves its last character for a
            // following non-space; when that leaves nothing, `\s+` takes the single character.
            var j = runStart
            var lastStart = i
            while j < end {
                let (s, w) = decode(text, at: j)
                if ScalarClass.of(s) != .whitespace { break }
                lastStart = j
                j += w
            }
            if j < end && lastStart > i { j = lastStart }
            try body(i..<j); i = j
        }
    }

    /// The scalar starting at `i` and its width in bytes (input is valid UTF-8).
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(text[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6
                | UInt32(text[i + 3] & 0x3F), 4)
    }
}
