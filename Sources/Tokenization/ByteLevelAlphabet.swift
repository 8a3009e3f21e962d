/// GPT-2's reversible byte ↔ character mapping: every byte gets a printable Unicode character
/// so byte-level tokens can be stored as JSON strings. Printable Latin-1 bytes map to
/// themselves; the other 68 bytes map, in byte order, to U+0100, U+0101, ….
///
///     ByteLevelAlphabet.character(for: 0x20)          // "Ġ" (U+0120)
///     ByteLevelAlphabet.string(for: Array("a b".utf8)) // "aĠb"
///     ByteLevelAlphabet.bytes(for: "aĠb")              // [0x61, 0x20, 0x62]
public enum ByteLevelAlphabet {
    /// The character of each byte, indexed by byte.
    public static let characters: [Unicode.Scalar] = {
        var result = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                result[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                // Every value below 0x144 is a valid scalar, so this never fails.
                result[byte] = Unicode.Scalar(next) ?? " "
                next += 1
            }
        }
        return result
    }()

    /// The byte of each character U+0000…U+0143, or -1 for characters outside the alphabet.
    private static let byteOfScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, scalar) in characters.enumerated() { table[Int(scalar.value)] = Int16(byte) }
        return table
    }()

    public static func character(for byte: UInt8) -> Unicode.Scalar {
        characters[Int(byte)]
    }

    /// The byte a character stands for, or nil if it is not one of the 256 alphabet characters.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = Int(scalar.value)
        guard value < byteOfScalar.count, byteOfScalar[value] >= 0 else { return nil }
        return UInt8(byteOfScalar[value])
    }

    /// The token string HF byte-level vocabularies use for these bytes.
    public static func string(for bytes: some Sequence<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(characters[Int(byte)]) }
        return String(scalars)
    }

    /// The bytes a token string stands for, or nil if any character is outside the alphabet.
    public static func bytes(for token: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            result.append(byte)
        }
        return result
    }
}
