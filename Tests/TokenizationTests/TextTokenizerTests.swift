import Foundation
import Store
import Testing
@testable import Tokenization

@Suite struct TextTokenizerTests {
    @Test func theBytesTokenizerPutsSpecialTokensBelowTheBytes() throws {
        let bytes = ByteTokenizer()
        #expect(bytes.name == "bytes")
        #expect(bytes.encode("hi") == [107, 108])
        #expect(bytes.encode("hi", addSpecialTokens: true) == [0, 107, 108])
        #expect(bytes.encode("\u{FF}") == [3 + 0xC3, 3 + 0xBF])
        #expect(bytes.vocabSize == 259)
        #expect(bytes.prefixTokenId == 0)
        #expect(try bytes.documentDelimiters() == (bos: 0, eos: 1))
        // The identity every snapshot made with "bytes" carries in its manifest.
        #expect(bytes.identity == "05cde877e037e13666b3f47a896dfa525cb4283945e7729db3cf225db86b8698")
    }

    @Test func theRawBytesTokenizerGivesEachByteItsOwnValue() throws {
        let raw = ByteTokenizer.raw()
        #expect(raw.name == "raw-bytes")
        #expect(raw.encode("hi") == [104, 105])
        #expect(raw.encode("hi", addSpecialTokens: true) == [104, 105])
        #expect(raw.vocabSize == 256)
        #expect(raw.prefixTokenId == nil)
        #expect(throws: TokenizerError.missingSpecialTokens(name: "raw-bytes")) { try raw.documentDelimiters() }

        let withBOS = ByteTokenizer.raw(beginningOfSequence: 256)
        #expect(withBOS.encode("hi", addSpecialTokens: true) == [256, 104, 105])
        #expect(withBOS.vocabSize == 257)
        #expect(withBOS.prefixTokenId == 256)
        #expect(Set([raw.identity, withBOS.identity, ByteTokenizer().identity]).count == 3)
    }

    @Test func storedTokenizersNeedBothDocumentDelimiters() throws {
        let store = try Store.open(path: try temporaryDirectory().appendingPathComponent("t.db").path)
        var counts = WordCounts()
        for text in sampleTexts { counts.add(text: text) }
        let plain = try BPETrainer(vocabularySize: 300, specialTokens: []).train(counts).jsonText()
        let withSpecials = try trainedTokenizer(vocabularySize: 300).jsonText()
        try store.write { db in
            _ = try TokenizerRepository.insert(name: "plain", json: plain, origin: .imported, in: db)
            _ = try TokenizerRepository.insert(name: "bpe", json: withSpecials, origin: .imported, in: db)
        }
        try store.read { db in
            #expect(try StoredTokenizer.load(name: "bytes", in: db).identity == ByteTokenizer().identity)
            let bpe = try StoredTokenizer.load(name: "bpe", in: db)
            #expect(bpe.identity == Hex.sha256(withSpecials))
            #expect(try bpe.documentDelimiters() == (bos: 0, eos: 1))
            #expect(bpe.encode("hi", addSpecialTokens: true).first == 0)
            #expect(throws: TokenizerError.missingSpecialTokens(name: "plain")) { _ = try StoredTokenizer.load(name: "plain", in: db) }
            #expect(throws: TokenizerError.unknownStoredTokenizer(name: "none")) { _ = try StoredTokenizer.load(name: "none", in: db) }
        }
    }
}
