import Corpus
import Foundation
import ProgressReporting
import Store
import Testing
@testable import Tokenization

@Suite struct TrainingProgressTests {
    @Test func corpusTrainingReportsEveryTextReadAndEveryMerge() throws {
        let store = try Store.open(path: try temporaryDirectory().appendingPathComponent("t.db").path)
        try store.write { db in
            let man = try CorpusRepository.source(named: "man", in: db)
            for text in sampleTexts {
                _ = try CorpusRepository.insertRawText(text: text, externalId: nil, sourceId: man.id, ingestId: nil, split: .train, in: db)
            }
        }
        var reports: [StageProgress] = []
        let (tokenizer, training) = try CorpusTraining.train(store: store, source: "man", split: .train,
                                                             trainer: BPETrainer(vocabularySize: 400)) { reports.append($0) }

        let reading = reports.filter { $0.phase == "reading" }
        #expect(reading.count == sampleTexts.count + 1)
        #expect(reading.allSatisfy { $0.total == training.bytes && $0.unit == .bytes })
        #expect(reading.last?.done == training.bytes)

        // One report as merging starts, then one per merge learned, up to the vocabulary asked for.
        let merging = reports.filter { $0.phase == "merging" }
        #expect(merging.count >= tokenizer.mergeList.count + 1)
        #expect(zip(merging, merging.dropFirst()).allSatisfy { $0.done <= $1.done })
        #expect(merging.first?.done == 0)
        #expect(merging.last.map { $0.done == $0.total } == true)
        #expect(tokenizer.vocabularySize == 400)
        // Phases come in order: reading, counting pairs, merging.
        let phases = reports.map(\.phase).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(phases == ["reading", "counting pairs", "merging"])
    }
}
