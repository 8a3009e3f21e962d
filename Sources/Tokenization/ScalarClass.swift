/// The character classes the GPT-2 pre-tokenization pattern distinguishes: `\p{L}` (general
/// category L*), `\p{N}` (N*), `\s` (White_Space) and everything else.
///
///     ScalarClass.of(0x41)     // .letter ("A")
///     ScalarClass.of(0x3000)   // .whitespace (ideographic space)
enum ScalarClass: UInt8 {
    case letter, number, whitespace, other

    /// Classes of U+0000…U+FFFF, computed once from the Unicode tables: the pre-tokenizer asks
    /// for one class per character, and a table read is far cheaper than a property lookup.
    private static let basicPlane: [ScalarClass] = (0..<0x10000).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return .other }  // surrogates
        return classify(scalar)
    }

    @inline(__always)
    static func of(_ value: UInt32) -> ScalarClass {
        if value < 0x10000 { return basicPlane[Int(value)] }
        guard let scalar = Unicode.Scalar(value) else { return .other }
        return classify(scalar)
    }

    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }
}
