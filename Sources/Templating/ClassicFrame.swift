/// What surrounds the raw text of a Classic (not inverted) text: whether a `text_start`
/// wording comes before it, and whether a `comprehension_start` header introduces its pairs.
/// Drawn once per chain with the reference's probabilities.
///
///     let frame = ClassicFrame.draw(generator.nextUnitDouble(), richChain: false)
///     frame.bareText    // true in ~47% of Classic, not inverted texts
///     frame.noHeader    // true in ~53%
public struct ClassicFrame: Sendable, Equatable {
    /// Nothing before the raw text.
    public var bareText: Bool
    /// No header between the text and its pairs (the text is followed by the pair separator).
    public var noHeader: Bool

    public init(bareText: Bool, noHeader: Bool) {
        self.bareText = bareText
        self.noHeader = noHeader
    }

    /// The reference pads both of its lists to half empty, but draws the wrapper, the header
    /// and the mode from the first outputs of one freshly seeded Mersenne Twister, so among
    /// Classic, not inverted texts the two are far from independent: "bare and no header"
    /// happens in ~9% rather than 25%. These are the joint shares its code gives (computed from
    /// its list lengths and draw order over uniform 32-bit outputs), by whether the chain is
    /// rich (every entry with at least two usable pairs: Classic holds 80% rather than 95%).
    static func joint(richChain: Bool) -> [(frame: ClassicFrame, share: Double)] {
        richChain
            ? [(ClassicFrame(bareText: false, noHeader: false), 0.08626), (ClassicFrame(bareText: false, noHeader: true), 0.44707),
               (ClassicFrame(bareText: true, noHeader: false), 0.38040), (ClassicFrame(bareText: true, noHeader: true), 0.08626)]
            : [(ClassicFrame(bareText: false, noHeader: false), 0.09142), (ClassicFrame(bareText: false, noHeader: true), 0.43636),
               (ClassicFrame(bareText: true, noHeader: false), 0.38080), (ClassicFrame(bareText: true, noHeader: true), 0.09142)]
    }

    /// The frame for one uniform draw `u` in [0, 1).
    public static func draw(_ u: Double, richChain: Bool) -> ClassicFrame {
        let table = joint(richChain: richChain)
        var cumulative = 0.0
        for (frame, share) in table {
            cumulative += share
            if u < cumulative { return frame }
        }
        return table[table.count - 1].frame
    }
}
