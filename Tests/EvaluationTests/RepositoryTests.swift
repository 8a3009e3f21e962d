import Corpus
import Foundation
import GRDB
import JSONLines
import Mixing
import Store
import Testing
@testable import Evaluation
import Tokenization

@Suite struct RepositoryTests {
    let items: [TaskItem] = (1...8).map { i in
        TaskItem(id: Int64(i), context: "Capital \(i)?", choices: ["alpha", "be", "gamma\(i)"], gold: i % 3, split: i <= 3 ? .train : .test)
    }

    @Test func aRunStoresItsScoresAndEveryItemsLogLikelihoods() throws {
        let store = try Store.open(path: temporaryPath("eval.db"))
        let task = try store.write { db in try EvaluationRepository.importTask(name: "capitals", sourcePath: "capitals.jsonl", items: items, in: db) }
        let stored = try store.read { db in try EvaluationRepository.items(taskId: task.id, in: db) }
        #expect(stored.map(\.choices) == items.map(\.choices))
        #expect(stored.map(\.split) == items.map(\.split))

        let evaluator = Evaluator(model: try byteModel(), tokenizer: ByteTokenizer.raw(beginningOfSequence: 256))
        let scores = try evaluator.evaluate(items: stored, shots: 2, seed: 7, taskName: task.name)
        let runId = try store.write { db in
            try EvaluationRepository.recordRun(scores, task: task, model: EvaluatedModel(path: "models/m", tokenizer: "bytes"), split: .test, shots: 2, seed: 7, in: db)
        }
        try store.read { db in
            let run = try #require(try EvalRun.fetchOne(db, key: runId))
            #expect(run.kind == .multipleChoice && run.taskId == task.id && run.shots == 2 && run.seed == 7 && run.itemCount == 5)
            #expect(run.modelPath == "models/m" && run.checkpointId == nil)
            let rows = try Row.fetchAll(db, sql: "SELECT metric, value, stderr FROM eval_scores WHERE run_id = ? ORDER BY metric", arguments: [runId])
            #expect(rows.map { $0["metric"] as String } == ["acc", "acc_bytes", "acc_norm"])
            #expect(rows[0]["value"] as Double == scores.metric("acc")?.value)
            #expect(rows[0]["stderr"] as Double? == scores.metric("acc")?.stderr)
            // The stored per-item results reproduce acc through SQL.
            let acc = try Double.fetchOne(db, sql: "SELECT avg(correct) FROM eval_results WHERE run_id = ?", arguments: [runId])
            #expect(acc == scores.metric("acc")?.value)
            let results = try Row.fetchAll(db, sql: "SELECT item_id, chosen, logprobs, choice_bytes, fewshot_item_ids FROM eval_results WHERE run_id = ? ORDER BY item_id", arguments: [runId])
            #expect(results.count == 5)
            for (row, result) in zip(results, scores.results) {
                #expect(row["item_id"] as Int64 == result.itemId)
                #expect(row["chosen"] as Int == result.chosen)
                let logprobs = try JSONParser.parse(row["logprobs"] as String).arrayValue?.compactMap(\.doubleValue)
                #expect(logprobs == result.logLikelihoods)
                #expect(row["choice_bytes"] as String == "[" + result.choiceBytes.map(String.init).joined(separator: ",") + "]")
                let examples = try JSONParser.parse(row["fewshot_item_ids"] as String).arrayValue?.compactMap(\.intValue)
                #expect(examples?.count == 2)
                // Few-shot examples are train items of the same task.
                for id in examples ?? [] {
                    #expect(try String.fetchOne(db, sql: "SELECT split FROM eval_items WHERE id = ? AND task_id = ?", arguments: [id, task.id]) == "train")
                }
            }
        }
    }

    @Test func reimportingIsIdempotentButChangedItemsAreRefused() throws {
        let store = try Store.open(path: temporaryPath("eval.db"))
        let first = try store.write { db in try EvaluationRepository.importTask(name: "t", sourcePath: nil, items: items, in: db) }
        let again = try store.write { db in try EvaluationRepository.importTask(name: "t", sourcePath: nil, items: items, in: db) }
        #expect(first == again)
        var changed = items
        changed[0].gold = 2
        #expect(throws: EvaluationError.taskChanged(name: "t")) {
            try store.write { db in _ = try EvaluationRepository.importTask(name: "t", sourcePath: nil, items: changed, in: db) }
        }
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM eval_items") } == items.count)
    }

    @Test func perplexityRunScoresOnlyHeldOutTexts() throws {
        let store = try Store.open(path: temporaryPath("eval.db"))
        try store.write { db in
            let source = try CorpusRepository.source(named: "notes", in: db)
            for (text, split) in [("trained on this", Split.train), ("never seen one", .heldout), ("nor this other", .heldout)] {
                _ = try CorpusRepository.insertRawText(PreparedText(text: text, externalId: nil), sourceId: source.id, ingestId: nil, split: split, in: db)
            }
        }
        let texts = try store.read { db in try EvaluationRepository.heldOutTexts(limit: nil, in: db) }
        #expect(texts.map(\.text) == ["never seen one", "nor this other"])
        let scores = try PerplexityEvaluator(model: try byteModel(), tokenizer: ByteTokenizer.raw(beginningOfSequence: 256)).evaluate(texts: texts)
        let runId = try store.write { db in try EvaluationRepository.recordPerplexityRun(scores, model: EvaluatedModel(path: "m", tokenizer: "bytes"), in: db) }
        try store.read { db in
            let bpb = try Double.fetchOne(db, sql: """
                SELECT -sum(logprob) / sum(byte_count) / ln(2) FROM eval_text_results WHERE run_id = ?
                """, arguments: [runId])
            let stored = try Double.fetchOne(db, sql: "SELECT value FROM eval_scores WHERE run_id = ? AND metric = 'bits_per_byte'", arguments: [runId])
            #expect(abs(try #require(bpb) - (try #require(stored))) < 1e-9)
            #expect(try Int.fetchOne(db, sql: "SELECT sum(token_count) FROM eval_text_results WHERE run_id = ?", arguments: [runId]) == 28)
        }
    }
    /// Two models (one per training seed) answer four items: the first gets items 1 and 2 right,
    /// the second 1 and 3. Pooled, the items score 1, 0.5, 0.5, 0: acc 0.5 (the runs' mean), with
    /// the stderr over the items; runs over different items are refused.
    @Test func runsOverTheSameItemsPoolToTheirMeanWithTheStderrOverItems() throws {
        let store = try Store.open(path: temporaryPath("eval.db"))
        let fourItems = Array(items.prefix(4))
        let runs = try store.write { db in
            let task = try EvaluationRepository.importTask(name: "t", sourcePath: nil, items: fourItems, in: db)
            let stored = try EvaluationRepository.items(taskId: task.id, in: db)
            return try [[0, 1], [0, 2]].enumerated().map { index, rightItems in
                let results = stored.enumerated().map { position, item in
                    // The gold choice gets the highest log-likelihood on the items this model answers.
                    ItemResult(item: item, logLikelihoods: item.choices.indices.map { choice in
                        (choice == item.gold) == rightItems.contains(position) ? 0 : -1
                    }, exampleIds: [])
                }
                return try EvaluationRepository.recordRun(MultipleChoiceScores(results: results), task: task,
                                                          model: EvaluatedModel(path: "m\(index)", tokenizer: "bytes"), split: .test, shots: 0, seed: 0, in: db)
            }
        }
        try store.read { db in
            #expect(try EvaluationRepository.pooledAccuracy(runIds: [runs[0]], in: db) == (try EvaluationRepository.metric("acc", runId: runs[0], in: db)))
            let pooled = try EvaluationRepository.pooledAccuracy(runIds: runs, in: db)
            #expect(pooled.value == 0.5)
            // Scores 1, 0.5, 0.5, 0: sample variance 1/6, stderr √(1/6) / 2.
            #expect(abs(try #require(pooled.stderr) - (1.0 / 6).squareRoot() / 2) < 1e-12)
        }
        let other = try store.write { db in
            let task = try EvaluationRepository.importTask(name: "other", sourcePath: nil, items: Array(items.suffix(3)), in: db)
            let results = try EvaluationRepository.items(taskId: task.id, in: db).map { ItemResult(item: $0, logLikelihoods: $0.choices.map { _ in 0 }, exampleIds: []) }
            return try EvaluationRepository.recordRun(MultipleChoiceScores(results: results), task: task,
                                                      model: EvaluatedModel(path: "m", tokenizer: "bytes"), split: .test, shots: 0, seed: 0, in: db)
        }
        #expect(throws: EvaluationError.differentItems(runs: [runs[0], other])) {
            try store.read { db in _ = try EvaluationRepository.pooledAccuracy(runIds: [runs[0], other], in: db) }
        }
    }
}

@Suite struct CheckpointTests {
    @Test func aCheckpointResolvesToItsDirectoryAndItsSnapshotsTokenizer() throws {
        let store = try Store.open(path: temporaryPath("ckpt.db"))
        try store.write { db in
            try db.execute(sql: "INSERT INTO mixtures (name) VALUES ('m')")
            try db.execute(sql: """
                INSERT INTO snapshots (mixture_id, tokenizer, tokenizer_sha256, vocab_size, seq_len, seed, packing_json,
                                       item_count, token_count, sequence_count, manifest_sha256, tokens_sha256)
                VALUES (1, 'bytes', 'x', 259, 64, 0, '{"bos":"document","seq_len":64}', 0, 0, 0, 'x', 'x')
                """)
            try db.execute(sql: "INSERT INTO training_runs (snapshot_id, mode, config_json, seed, out_dir) VALUES (1, 'pretrain', '{}', 0, 'out')")
            try db.execute(sql: "INSERT INTO checkpoints (run_id, step, path, sha256) VALUES (1, 50, 'out/step-000050', 'x')")
        }
        let found = try store.read { db in try EvaluationRepository.checkpoint(id: 1, in: db) }
        #expect(found.directory == "out/step-000050")
        #expect(found.tokenizer == "bytes")
        #expect(found.beginsWithBOS)
        #expect(throws: EvaluationError.self) { try store.read { db in _ = try EvaluationRepository.checkpoint(id: 2, in: db) } }
    }

    @Test func snapshotTokenizersScoreWithBOSBeforeTheTextAsTheModelWasTrained() {
        let tokenizer = SnapshotScoringTokenizer(tokenizer: ByteTokenizer(), beginsWithBOS: true)
        #expect(tokenizer.encode("hi", addSpecialTokens: true) == [0, 107, 108])
        #expect(tokenizer.encode("hi", addSpecialTokens: false) == [107, 108])
        #expect(tokenizer.prefixTokenId == 0)
        let pair = ContinuationEncoding.encode(context: "Q:", continuation: " a", tokenizer: tokenizer)
        #expect(pair.context == [0, 84, 61])
        #expect(pair.continuation == [35, 100])
        let plain = SnapshotScoringTokenizer(tokenizer: ByteTokenizer(), beginsWithBOS: false)
        #expect(plain.encode("hi", addSpecialTokens: true) == [107, 108])
    }
}

@Suite struct CheckpointVerificationTests {
    /// A database recording one checkpoint directory (a file and its SHA256SUMS) under id 1.
    func recordedCheckpoint() throws -> (store: Store, directory: String) {
        let directory = temporaryPath("step-000010")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let weights = Data("weights".utf8)
        try weights.write(to: URL(fileURLWithPath: directory + "/model.safetensors"))
        let sums = Data((Hex.sha256(weights) + "  model.safetensors\n").utf8)
        try sums.write(to: URL(fileURLWithPath: directory + "/SHA256SUMS"))
        let store = try Store.open(path: temporaryPath("verify.db"))
        try store.write { db in
            try db.execute(sql: "INSERT INTO instruction_sets (name, kind, path) VALUES ('s', 'context', 'x')")
            try db.execute(sql: "INSERT INTO training_runs (instruction_set_id, mode, config_json, seed, out_dir) VALUES (1, 'synthesizer', '{}', 0, 'out')")
            try db.execute(sql: "INSERT INTO checkpoints (run_id, step, path, sha256) VALUES (1, 10, ?, ?)", arguments: [directory, Hex.sha256(sums)])
        }
        return (store, directory)
    }

    @Test func aRecordedCheckpointResolvesOnlyWhileItsFilesMatchTheRecordedHash() throws {
        let (store, directory) = try recordedCheckpoint()
        #expect(try EvaluatedCheckpoint.resolve(id: 1, store: store).directory == directory)

        // One flipped byte: the file no longer matches SHA256SUMS.
        try Data("weightS".utf8).write(to: URL(fileURLWithPath: directory + "/model.safetensors"))
        #expect {
            _ = try EvaluatedCheckpoint.resolve(id: 1, store: store)
        } throws: { error in
            guard case let .unknownCheckpoint(id, reason)? = error as? EvaluationError else { return false }
            return id == 1 && reason.contains("model.safetensors") && reason.contains("nothing was scored")
        }

        // Resealed with a new SHA256SUMS: the checkpoint's hash differs from the recorded one.
        let forged = Data((Hex.sha256(Data("weightS".utf8)) + "  model.safetensors\n").utf8)
        try forged.write(to: URL(fileURLWithPath: directory + "/SHA256SUMS"))
        #expect {
            _ = try EvaluatedCheckpoint.resolve(id: 1, store: store)
        } throws: { error in
            error.localizedDescription.contains("differs from the recorded")
        }
    }
}
