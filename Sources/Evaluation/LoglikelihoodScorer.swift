import Foundation
import Model
import ProgressReporting

/// Sums the log-probabilities of continuation tokens given a shared prefix, reusing the prefix:
/// each request's prefix runs once into its own key/value-cache slot, then every continuation
/// runs after it at the same positions (each overwrites the previous one's cache entries, which
/// no later token can see). Up to `slotCount` requests run side by side in every step.
///
///     let scorer = LoglikelihoodScorer(model: model)
///     let lls = try scorer.logLikelihoods([ScoringRequest(prefix: [0, 7, 9], continuations: [[4], [5, 6]])])
///     // lls[0] == [log p(4 | 0 7 9), log p(5 | 0 7 9) + log p(6 | 0 7 9 5)]
public struct LoglikelihoodScorer {
    public let model: DecoderModel
    public let slotCount: Int
    public let maxTokensPerStep: Int

    public init(model: DecoderModel, slotCount: Int = 8, maxTokensPerStep: Int = 512) {
        self.model = model
        self.slotCount = slotCount
        self.maxTokensPerStep = maxTokensPerStep
    }

    /// The summed log-likelihood (natural log) of every continuation of every request.
    /// Each request's input (prefix + continuation without its last token) must fit the model.
    /// `progress` hears of every model step (phase "scoring", in tokens run through the model).
    public func logLikelihoods(_ requests: [ScoringRequest], progress: ProgressHandler = { _ in }) throws(ModelError) -> [[Double]] {
        var results = requests.map { [Double](repeating: 0, count: $0.continuations.count) }
        let longest = requests.map { $0.inputLength }.max() ?? 0
        guard longest > 0 else { return results }
        let vocab = model.config.vocabSize
        for request in requests {
            if request.prefix.isEmpty { throw .invalidInput(reason: "scoring: every request needs at least one prefix token") }
            if request.inputLength > model.config.maxPositions {
                throw .invalidInput(reason: "scoring: input of \(request.inputLength) tokens exceeds max_position_embeddings \(model.config.maxPositions)")
            }
            for token in request.prefix + request.continuations.joined() where token < 0 || Int(token) >= vocab {
                throw .invalidInput(reason: "scoring: token id \(token) is outside the vocabulary 0..<\(vocab)")
            }
        }
        let session = try InferenceSession(model: model, slotCount: slotCount, capacity: longest, maxTokensPerStep: maxTokensPerStep)
        let tokensTotal = requests.reduce(0) { $0 + $1.tokensRun }
        var tokensDone = 0
        func stepped(_ tokens: Int) {
            tokensDone += tokens
            progress(StageProgress(phase: "scoring", done: tokensDone, total: tokensTotal, unit: .count("tokens")))
        }
        stepped(0)
        for batchStart in stride(from: 0, to: requests.count, by: slotCount) {
            let batch = Array(batchStart..<min(batchStart + slotCount, requests.count))
            // Prefill: every prefix, keeping the logits of each prefix's last token (they score
            // the first token of every continuation).
            var pieces: [Piece] = []
            for (slot, index) in batch.enumerated() {
                let prefix = requests[index].prefix
                pieces.append(Piece(slot: slot, start: 0, tokens: prefix, scoredFrom: prefix.count - 1,
                                    targets: [], request: index, choice: nil))
            }
            var firstTokenRows: [Int: [Float]] = [:]
            try run(pieces, session: session, stepped: stepped) { piece, row, logits in
                if piece.choice == nil { firstTokenRows[piece.request] = Array(logits[(row * vocab)..<((row + 1) * vocab)]) }
            }
            for index in batch {
                guard let row = firstTokenRows[index] else { continue }
                for (choice, continuation) in requests[index].continuations.enumerated() where !continuation.isEmpty {
                    results[index][choice] += row.withUnsafeBufferPointer { logProbability(of: continuation[0], in: $0, row: 0, vocab: vocab) }
                }
            }
            // Continuations, one choice index per round, each after its own prefix.
            let rounds = batch.map { requests[$0].continuations.count }.max() ?? 0
            for choice in 0..<rounds {
                var pieces: [Piece] = []
                for (slot, index) in batch.enumerated() where choice < requests[index].continuations.count {
                    let continuation = requests[index].continuations[choice]
                    guard continuation.count > 1 else { continue }
                    pieces.append(Piece(slot: slot, start: requests[index].prefix.count, tokens: Array(continuation.dropLast()),
                                        scoredFrom: 0, targets: Array(continuation.dropFirst()), request: index, choice: choice))
                }
                try run(pieces, session: session, stepped: stepped) { piece, row, logits in
                    guard let choice = piece.choice else { return }
                    results[piece.request][choice] += logProbability(of: piece.targets[piece.offsetInPiece(row)], in: logits, row: row, vocab: vocab)
                }
            }
        }
        return results
    }

    /// A run of consecutive tokens of one slot, possibly split across steps.
    private struct Piece {
        var slot: Int
        var start: Int
        var tokens: [Int32]
        /// Tokens at index ≥ this (within `tokens`) need their logits.
        var scoredFrom: Int
        /// For continuation pieces, the token each input token predicts.
        var targets: [Int32]
        var request: Int
        var choice: Int?
        /// Index within `tokens` of the current step's first token of this piece.
        var stepOffset = 0
        /// Logit row of the step where this piece's first scored token of the step lands.
        var rowBase = 0
        var firstScoredInStep = 0

        func offsetInPiece(_ row: Int) -> Int { firstScoredInStep + (row - rowBase) }
    }

    /// Runs the pieces through as few steps as `maxTokensPerStep` allows and hands each logit
    /// row to `consume` with the piece it belongs to (row index within the step's logits);
    /// `stepped` gets each step's token count.
    private func run(_ pieces: [Piece], session: InferenceSession, stepped: (Int) -> Void,
                     consume: (Piece, Int, UnsafeBufferPointer<Float>) -> Void) throws(ModelError) {
        var queue = pieces[...]
        var carried: Piece?
        while carried != nil || !queue.isEmpty {
            var tokens: [Int32] = [], slots: [Int] = [], positions: [Int] = [], logitRows: [Int] = []
            var stepPieces: [Piece] = []
            while tokens.count < maxTokensPerStep {
                guard var piece = carried ?? queue.popFirst() else { break }
                carried = nil
                let take = min(piece.tokens.count - piece.stepOffset, maxTokensPerStep - tokens.count)
                let range = piece.stepOffset..<(piece.stepOffset + take)
                piece.rowBase = logitRows.count
                piece.firstScoredInStep = max(range.lowerBound, piece.scoredFrom)
                for i in range {
                    if i >= piece.scoredFrom { logitRows.append(tokens.count) }
                    tokens.append(piece.tokens[i])
                    slots.append(piece.slot)
                    positions.append(piece.start + i)
                }
                stepPieces.append(piece)
                if range.upperBound < piece.tokens.count {
                    piece.stepOffset = range.upperBound
                    carried = piece
                }
            }
            let logits = try session.step(tokens: tokens, slots: slots, positions: positions, logitRows: logitRows)
            stepped(tokens.count)
            for (index, piece) in stepPieces.enumerated() {
                let end = index + 1 < stepPieces.count ? stepPieces[index + 1].rowBase : logitRows.count
                for row in piece.rowBase..<end { consume(piece, row, logits) }
            }
        }
    }

    /// log softmax(logits[row])[token], in Double so long sums keep their precision.
    private func logProbability(of token: Int32, in logits: UnsafeBufferPointer<Float>, row: Int, vocab: Int) -> Double {
        let base = row * vocab
        var maximum = -Float.infinity
        for j in 0..<vocab { maximum = max(maximum, logits[base + j]) }
        var sum = 0.0
        for j in 0..<vocab { sum += exp(Double(logits[base + j] - maximum)) }
        return Double(logits[base + Int(token)] - maximum) - log(sum)
    }
}

/// A prefix and the continuations to score after it. The model reads the prefix followed by a
/// continuation without its last token; every continuation token is scored.
///
///     ScoringRequest(prefix: contextIds, continuations: choices.map { encodedChoice($0) })
public struct ScoringRequest: Equatable, Sendable {
    public var prefix: [Int32]
    public var continuations: [[Int32]]

    public init(prefix: [Int32], continuations: [[Int32]]) {
        self.prefix = prefix
        self.continuations = continuations
    }

    /// Tokens the model must hold at once for the longest continuation.
    public var inputLength: Int {
        prefix.count + max(0, (continuations.map(\.count).max() ?? 0) - 1)
    }

    /// Tokens the scorer runs through the model for this request: the prefix once, then every
    /// continuation without its last token.
    var tokensRun: Int {
        prefix.count + continuations.reduce(0) { $0 + max($1.count - 1, 0) }
    }
}
