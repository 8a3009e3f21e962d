import Corpus
import Foundation
import GRDB
import Store
import Testing
@testable import Tokenization

@Suite struct RepositoryTests {
    @Test func storesLoadsAndHashesTokenizers() throws {
        let directory = try temporaryDirectory()
        let store = try Store.open(path: directory.appendingPathComponent("t.db").path)
        let json = try trainedTokenizer(vocabularySize: 300).jsonText()
        let record = try store.write { db in
            try TokenizerRepository.insert(name: "small", json: json, origin: .imported, importedFrom: "small.json", in: db)
        }
        #expect(record.id != nil)
        #expect(record.kind == .byteLevelBPE)
        #expect(record.vocabSize == 300)
        // Independent SHA-256: shasum of the same bytes written to a file would agree.
        #expect(record.sha256.count == 64)
        #expect(record.sha256 == Hex.sha256(json))
        #expect(Hex.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let loaded = try store.read { db in try TokenizerRepository.tokenizer(named: "small", in: db) }
        #expect(loaded?.json == json)
        #expect(try loaded?.load().encode("hello") == (try trainedTokenizer(vocabularySize: 300).encode("hello")))
        #expect(throws: TokenizerError.duplicateName("small")) {
            try store.write { db in try TokenizerRepository.insert(name: "small", json: json, origin: .imported, in: db) }
        }
        #expect(throws: TokenizerError.self) {
            try store.write { db in try TokenizerRepository.insert(name: "broken", json: "{}", origin: .imported, in: db) }
        }
        #expect(try store.read { db in try TokenizerRepository.all(in: db) }.map(\.name) == ["small"])
    }

    @Test func trainsFromTheCorpusWithProvenance() throws {
        let directory = try temporaryDirectory()
        let store = try Store.open(path: directory.appendingPathComponent("t.db").path)
        try store.write { db in
            let man = try CorpusRepository.source(named: "man", in: db)
            let other = try CorpusRepository.source(named: "other", in: db)
            for (index, text) in sampleTexts.enumerated() {
                _ = try CorpusRepository.insertRawText(text: text, externalId: nil, sourceId: man.id, ingestId: nil, split: .train, in: db)
                _ = try CorpusRepository.insertRawText(text: "zzz \(index) qqq", externalId: nil, sourceId: other.id, ingestId: nil, split: .train, in: db)
            }
        }
        let (tokenizer, training) = try CorpusTraining.train(
            store: store, source: "man", split: .train, trainer: BPETrainer(vocabularySize: 400))
        #expect(training.texts == sampleTexts.count)
        #expect(training.bytes == sampleTexts.reduce(0) { $0 + $1.utf8.count })
        #expect(try tokenizer.mergeList.map { $0.0 + $0.1 } == trainedTokenizer().mergeList.map { $0.0 + $0.1 })
        let record = try store.write { db in
            try TokenizerRepository.insert(name: "man-400", json: try tokenizer.jsonText(), origin: .trained, training: training, in: db)
        }
        #expect(record.trainedSource == "man" && record.trainedTexts == sampleTexts.count && record.origin == .trained)
        #expect(throws: TokenizerError.self) {
            try CorpusTraining.train(store: store, source: "nothing", split: nil, trainer: BPETrainer(vocabularySize: 400))
        }
    }
}
