/// How a chain's pairs are laid out around its raw texts, with the weights the method draws
/// them with: Classic 95 / Dialog 5, or — when every entry has at least two usable pairs —
/// Classic 80 / Dialog, Numbered, Inline few-shot, Next-turn dialog 5 each.
///
///     let (mode, inverted) = ComprehensionMode.draw(generator.nextUnitDouble(), richChain: true)
///     ComprehensionMode.weights(richChain: false)   // [(.classic, 95), (.dialog, 5)]
public enum ComprehensionMode: String, Sendable, CaseIterable, Codable {
    /// The text, then its pairs each as question + answer.
    case classic
    /// The text, then its pairs as user / assistant turns.
    case dialog
    /// The text, then all questions numbered, then all answers numbered.
    case numbered
    /// The text, then all but the last pair as worked examples, then the last one.
    case inlineFewShot = "inline_few_shot"
    /// The text opens the first user turn, with the first question; the rest follow as turns.
    case nextTurnDialog = "next_turn_dialog"

    /// `augmented_texts.mode` of an entry without usable pairs, stored as its raw text.
    public static let rawMode = "raw"

    /// Share of all chains that are inverted (pairs before the text).
    public static let inversionProbability = 0.05

    public static func weights(richChain: Bool) -> [(mode: ComprehensionMode, weight: Double)] {
        richChain
            ? [(.classic, 80), (.dialog, 5), (.numbered, 5), (.inlineFewShot, 5), (.nextTurnDialog, 5)]
            : [(.classic, 95), (.dialog, 5)]
    }

    /// The mode and the inversion from one uniform draw `u` in [0, 1), as the reference does:
    /// it draws both from the same fresh random stream, so the inversion (`u` < 0.05) always
    /// falls inside Classic's share (the first 80 or 95%) and only Classic texts are inverted.
    public static func draw(_ u: Double, richChain: Bool) -> (mode: ComprehensionMode, inverted: Bool) {
        let weights = weights(richChain: richChain)
        let total = weights.map(\.weight).reduce(0, +)
        var cumulative = 0.0
        var mode = weights[weights.count - 1].mode
        for (candidate, weight) in weights {
            cumulative += weight / total
            if u < cumulative {
                mode = candidate
                break
            }
        }
        return (mode, u < inversionProbability && mode == .classic)
    }
}
