import Tokenization

/// Splits a (context, continuation) pair into token ids exactly as lm-evaluation-harness's
/// `_encode_pair` does for causal models: trailing white space of the context moves to the
/// continuation, the whole string and the context are encoded separately, and the
/// continuation's tokens are those of the whole string beyond the context's length. BPE merges
/// across the boundary therefore land in the continuation, as in the harness.
///
///     let pair = ContinuationEncoding.encode(context: "Q: sky?\nA:", continuation: " blue", tokenizer: tokenizer)
///     pair.context      // ids the model reads first (shared by every choice of an item)
///     pair.continuation // ids whose log-likelihood is summed
public struct ContinuationEncoding: Equatable, Sendable {
    public var context: [Int32]
    public var continuation: [Int32]

    public static func encode(context: String, continuation: String, tokenizer: some TextTokenizer) -> ContinuationEncoding {
        let (context, continuation) = moveTrailingWhitespace(context: context, continuation: continuation)
        let whole = harnessEncode(context + continuation, tokenizer: tokenizer)
        let contextIds = harnessEncode(context, tokenizer: tokenizer)
        return ContinuationEncoding(context: contextIds, continuation: Array(whole.dropFirst(contextIds.count)))
    }

    /// The harness's `tok_encode`: special tokens as the tokenizer adds them by default, unless
    /// the string already starts with the BOS token's text.
    static func harnessEncode(_ text: String, tokenizer: some TextTokenizer) -> [Int32] {
        let hasBOS = tokenizer.prefixTokenText.map { !$0.isEmpty && text.hasPrefix($0) } ?? false
        return tokenizer.encode(text, addSpecialTokens: !hasBOS)
    }

    /// Python's `context.rstrip()` and the shift of the stripped characters onto the continuation.
    static func moveTrailingWhitespace(context: String, continuation: String) -> (String, String) {
        let scalars = context.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let previous = scalars.index(before: end)
            guard isPythonWhitespace(scalars[previous]) else { break }
            end = previous
        }
        if end == scalars.endIndex { return (context, continuation) }
        return (String(scalars[..<end]), String(scalars[end...]) + continuation)
    }

    /// `str.isspace` for one code point: Unicode white space plus the ASCII separators 0x1C–0x1F.
    static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(scalar.value) || scalar.properties.isWhitespace
    }
}
