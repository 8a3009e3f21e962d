import Foundation
import Testing
@testable import Tokenization

@Suite struct TokenizerTests {
    @Test func trainingLearnsTheHandCheckableMerges() throws {
        // Words: "ab" ×1, " ab" ×2, " cd" ×1. Pair counts: (a,b) 3, (Ġ,a) 2, (Ġ,c) 1, (c,d) 1.
        // 1st merge a+b (3); then Ġ+ab (2); then the tie at 1 goes to the smaller ids: c+d
        // (c is id 69, Ġ is far above: bytes come in code-point order after the 3 specials).
        var counts = WordCounts()
        counts.add(text: "ab ab ab cd")
        let tokenizer = try BPETrainer(vocabularySize: 262).train(counts)
        #expect(tokenizer.mergeList.map { "\($0.0) \($0.1)" } == ["a b", "Ġ ab", "c d"])
        #expect(tokenizer.id(of: "<s>") == 0 && tokenizer.id(of: "</s>") == 1 && tokenizer.id(of: "<unk>") == 2)
        #expect(tokenizer.id(of: "!") == 3)
        #expect(tokenizer.id(of: "c") == 69)
        #expect(tokenizer.id(of: "ab") == 259 && tokenizer.id(of: "Ġab") == 260 && tokenizer.id(of: "cd") == 261)
        #expect(tokenizer.vocabularySize == 262)
        // " cd" stays Ġ + cd: Ġ is byte 0x20's character U+0120, id 3 + 188 + 32 (after the
        // 188 alphabet characters below U+0100 and the 32 bytes mapped to U+0100…U+011F).
        #expect(tokenizer.id(of: "Ġ") == 223)
        #expect(tokenizer.encode("ab ab cd") == [259, 260, 223, 261])
        #expect(tokenizer.encode("abc") == [259, 69])
    }

    @Test func trainingIsDeterministicAndStopsAtTheVocabularySize() throws {
        let a = try trainedTokenizer()
        let b = try trainedTokenizer()
        #expect(a.vocabularySize == 400)
        #expect(a.mergeList.map { $0.0 + " " + $0.1 } == b.mergeList.map { $0.0 + " " + $0.1 })
        #expect(throws: TokenizerError.vocabularyTooSmall(requested: 100, minimum: 259)) {
            try BPETrainer(vocabularySize: 100).train(WordCounts())
        }
    }

    @Test func decodeInvertsEncodeOnAnyText() throws {
        let tokenizer = try trainedTokenizer()
        for text in edgeCases + sampleTexts {
            let ids = tokenizer.encode(text)
            #expect(try tokenizer.decode(ids) == text)
        }
        #expect(tokenizer.encode("").isEmpty)
        #expect(throws: TokenizerError.unknownTokenId(99999, vocabularySize: 400)) { try tokenizer.decode([99999]) }
    }

    @Test func mergesCompressCommonWords() throws {
        let tokenizer = try trainedTokenizer()
        let ids = tokenizer.encode("The quick brown fox")
        #expect(ids.count < "The quick brown fox".utf8.count / 2)
        // The cache must not change results: encoding twice gives the same ids.
        #expect(tokenizer.encode("The quick brown fox") == ids)
    }

    @Test func addedTokensAreMatchedInTextBeforePreTokenization() throws {
        let tokenizer = try trainedTokenizer()
        let ids = tokenizer.encode("<s>hello</s>x<s")
        #expect(ids.first == 0)
        #expect(ids.contains(1))
        #expect(try tokenizer.decode(ids) == "<s>hello</s>x<s")
        // The synthesizer's markers are plain text: no single id for them.
        let con = tokenizer.encode(" <CON>")
        #expect(con.count > 1)
    }

    @Test func addedTokensMatchLeftmostLongest() throws {
        let tokenizer = try trainedTokenizer()
        var json = try tokenizer.jsonText()
        json = json.replacingOccurrences(
            of: "\"added_tokens\": [\n",
            with: "\"added_tokens\": [\n    {\"id\": 400, \"content\": \"<s>x\", \"special\": true},\n")
        let extended = try Tokenizer(json: Array(json.utf8), origin: "test")
        #expect(extended.encode("a<s>xb<s>")[1...].first == 400)
        #expect(extended.encode("<s>x<s>") == [400, 0])
    }

    @Test func longWordsUseTheHeapWithTheSameResult() throws {
        let tokenizer = try trainedTokenizer()
        // Deterministic pseudo-random byte words (no global RNG): a simple LCG.
        var state: UInt64 = 12345
        for length in [2, 5, 63, 64, 65, 200, 1000] {
            var symbols: [UInt32] = []
            for _ in 0..<length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let alphabet = Array("the quick brown fox".utf8)
                let byte = alphabet[Int(state >> 33) % alphabet.count]
                symbols.append(tokenizer.id(of: String(Character(ByteLevelAlphabet.character(for: byte))))!)
            }
            var scanned = symbols
            var heaped = symbols
            var merger = BPEMerger()
            merger.mergeByScanning(&scanned, merges: tokenizer.merges)
            merger.mergeWithHeap(&heaped, merges: tokenizer.merges)
            #expect(scanned == heaped, "length \(length)")
        }
    }
}
