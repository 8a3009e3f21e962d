import Foundation
import JSONLines
import ProgressReporting

/// BPE training seconds and single-thread encode MB/s on a JSONL corpus, as
/// `../shared/bench/tok_peer.py` measures Hugging Face tokenizers: texts read into memory
/// first; each run trains from scratch and encodes every text with a fresh tokenizer.
///
///     let json = try TokenizerBenchmark(corpus: "man.jsonl", vocabSize: 8192, runs: 3).run { print($0) }
public struct TokenizerBenchmark: Sendable {
    public var corpus: String
    public var vocabSize: Int
    public var runs: Int
    /// Encode with this tokenizer.json instead of the one trained.
    public var tokenizer: String?

    public init(corpus: String, vocabSize: Int, runs: Int, tokenizer: String? = nil) {
        self.corpus = corpus
        self.vocabSize = vocabSize
        self.runs = runs
        self.tokenizer = tokenizer
    }

    /// Medians as one JSON object; `log` gets a line per run.
    public func run(log: (String) -> Void = { _ in }) throws -> String {
        let reader = try JSONLTextReader(path: corpus)
        var texts: [String] = []
        var bytes = 0
        while let text = try reader.next() {
            bytes += text.utf8.count
            texts.append(text)
        }
        let megabytes = Double(bytes) / 1e6
        var trainSeconds: [Double] = [], encodeRates: [Double] = []
        var tokens = 0
        for run in 0..<runs {
            let training = Stopwatch()
            var counts = WordCounts()
            for text in texts { counts.add(text: text) }
            let trained = try BPETrainer(vocabularySize: vocabSize).train(counts)
            trainSeconds.append(training.elapsed().seconds)
            let json = try tokenizer.map(Tokenizer.readFile) ?? trained.jsonText()
            let encoder = try Tokenizer(json: Array(json.utf8), origin: tokenizer ?? "trained tokenizer")
            let encoding = Stopwatch()
            var ids: [UInt32] = []
            tokens = 0
            for text in texts {
                ids.removeAll(keepingCapacity: true)
                encoder.encode(text, into: &ids)
                tokens += ids.count
            }
            encodeRates.append(megabytes / encoding.elapsed().seconds)
            log(String(format: "run %d: train %.2f s, encode %.2f MB/s", run + 1, trainSeconds.last ?? 0, encodeRates.last ?? 0))
        }
        func hundredth(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        var out = JSONWriter()
        out.object { o in
            o.member("vocab") { $0.integer(vocabSize) }
            o.member("corpus_mb") { $0.double(hundredth(megabytes)) }
            o.member("runs") { $0.integer(runs) }
            o.member("train_s") { $0.double(hundredth(Stopwatch.median(trainSeconds))) }
            o.member("encode_mb_per_s") { $0.double(hundredth(Stopwatch.median(encodeRates))) }
            o.member("train_s_all") { $0.array(ofDoubles: trainSeconds.map(hundredth)) }
            o.member("encode_mb_per_s_all") { $0.array(ofDoubles: encodeRates.map(hundredth)) }
            o.member("tokens") { $0.integer(tokens) }
            o.member("bytes_per_token") { $0.double(hundredth(Double(bytes) / Double(max(tokens, 1)))) }
        }
        return out.text
    }
}
