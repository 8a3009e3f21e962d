/// How a chain's pairs are laid out around its raw texts, with the weights the method draws
/// them with: Classic 95 / Dialog 5, or — when every entry has at least two usable pairs —
/// Classic 80 / Dialog, Numbered, Inline few-shot, Next-turn dialog 5 each.
///
///     ComprehensionMode.weights(richChain: true)   // [(.classic, 80), (.dialog, 5), ...]
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

    /// Chance that a chain is inverted (pairs before the text), drawn for every chain.
    public static let inversionProbability = 0.05

    public static func weights(richChain: Bool) -> [(mode: ComprehensionMode, weight: Double)] {
        richChain
            ? [(.classic, 80), (.dialog, 5), (.numbered, 5), (.inlineFewShot, 5), (.nextTurnDialog, 5)]
            : [(.classic, 95), (.dialog, 5)]
    }

    /// Whether the text can move after the pairs: in next-turn dialog the text is part of the
    /// first turn, so that mode is never inverted.
    public var canInvert: Bool { self != .nextTurnDialog }
}
