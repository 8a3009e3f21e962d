import Testing
@testable import Tokenization

@Suite struct PreTokenizerTests {
    @Test func splitsLikeTheGPT2Pattern() {
        #expect(preTokens("Hello world") == ["Hello", " world"])
        #expect(preTokens("Hello  world") == ["Hello", " ", " world"])
        #expect(preTokens("don't we'll they've I'M") == ["don", "'t", " we", "'ll", " they", "'ve", " I", "'", "M"])
        #expect(preTokens("abc123 45x") == ["abc", "123", " 45", "x"])
        #expect(preTokens("a, b!!'s") == ["a", ",", " b", "!!'", "s"])
        #expect(preTokens("x\n\ny") == ["x", "\n", "\n", "y"])
        #expect(preTokens("x   \n y") == ["x", "   \n", " y"])
        #expect(preTokens("end   ") == ["end", "   "])
        #expect(preTokens(" 'll") == [" '", "ll"])
        #expect(preTokens("") == [])
    }

    @Test func usesUnicodeCategoriesAndWhiteSpace() {
        // Combining marks are neither letters nor numbers; NBSP and U+3000 are white space.
        #expect(preTokens("e\u{0301}t\u{E9}") == ["e", "\u{0301}", "t\u{E9}"])
        #expect(preTokens("a\u{00A0}b") == ["a", "\u{00A0}", "b"])
        #expect(preTokens("中文 한국어") == ["中文", " 한국어"])
        #expect(preTokens("ⅷ½x") == ["ⅷ½", "x"])
        #expect(preTokens("😀😀 ok") == ["😀😀", " ok"])
    }

    @Test func piecesConcatenateToTheInput() {
        for text in edgeCases + sampleTexts {
            #expect(preTokens(text).joined() == text)
        }
    }

    @Test func byteAlphabetIsABijection() {
        let characters = Set(ByteLevelAlphabet.characters)
        #expect(characters.count == 256)
        #expect(ByteLevelAlphabet.string(for: Array(" a\n".utf8)) == "ĠaĊ")
        let all = (0...255).map { UInt8($0) }
        #expect(ByteLevelAlphabet.bytes(for: ByteLevelAlphabet.string(for: all)) == all)
        #expect(ByteLevelAlphabet.bytes(for: "é ") == nil)
    }
}
