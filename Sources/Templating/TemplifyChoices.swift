import JSONLines

/// Every choice made for one augmented text — the mode, whether it is inverted, the frame of a
/// Classic text (bare text, no header), whether options questions hide their options, the
/// template of each family, and the order the options of each multiple-choice pair were shown
/// in. `TemplifyRenderer.render` is a pure function of a chain and these choices, so storing
/// them is enough to rebuild the text byte-for-byte.
///
///     let choices = TemplifyRenderer.choose(for: chain, catalog: catalog, seed: 42)
///     choices.mode                  // .classic
///     choices.optionOrders[17]      // [2, 0, 1, 3]: pair 17 shows its third option first
public struct TemplifyChoices: Sendable, Equatable {
    /// Share of chains whose options questions hide their options: the reference appends a
    /// copy of every options pattern with the options taken out, so half of its patterns hide.
    public static let hiddenOptionsProbability = 0.5

    public var mode: ComprehensionMode
    public var inverted: Bool
    /// Classic, not inverted: nothing before the raw text.
    public var bareText: Bool
    /// Classic, not inverted: no header between the raw text and its pairs.
    public var noHeader: Bool
    /// Multiple-choice questions (without chain of thought) are shown without their options,
    /// and their answers as the option's text.
    public var hiddenOptions: Bool
    /// The template chosen for each family (only the ones a text uses are stored).
    public var templates: [TemplateFamily: Int64]
    /// Pair id → the original index of the option shown at each position.
    public var optionOrders: [Int64: [Int]]

    public init(mode: ComprehensionMode, inverted: Bool, bareText: Bool = false, noHeader: Bool = false,
                hiddenOptions: Bool = false, templates: [TemplateFamily: Int64], optionOrders: [Int64: [Int]]) {
        self.mode = mode
        self.inverted = inverted
        self.bareText = bareText
        self.noHeader = noHeader
        self.hiddenOptions = hiddenOptions
        self.templates = templates
        self.optionOrders = optionOrders
    }

    /// `option_orders` as stored: `[{"pair": id, "order": [...]}, ...]` by pair id.
    public var optionOrdersJSON: String {
        var writer = JSONWriter()
        writer.array { array in
            for pairId in optionOrders.keys.sorted() {
                array.element { element in
                    element.object { object in
                        object.member("pair") { $0.integer(pairId) }
                        object.member("order") { $0.array(ofIntegers: optionOrders[pairId] ?? []) }
                    }
                }
            }
        }
        return writer.text
    }

    /// Reads `option_orders` back; nil if it is not what `optionOrdersJSON` writes.
    public static func optionOrders(fromJSON text: String) -> [Int64: [Int]]? {
        guard let value = try? JSONParser.parse(text), let items = value.arrayValue else { return nil }
        var orders: [Int64: [Int]] = [:]
        for item in items {
            guard let pair = item["pair"]?.numberText.flatMap({ Int64($0) }),
                  let order = item["order"]?.arrayValue?.compactMap(\.intValue) else { return nil }
            orders[pair] = order
        }
        return orders
    }
}

/// One text a chain became and what made it: the chain's formatted text (`part` 0), or the raw
/// text of an entry without usable pairs (a part of its own, `isRawEntry`).
///
///     let texts = try TemplifyRenderer.templify(chain, catalog: catalog, seed: 42)
///     texts[0].text, texts[0].templateIds, texts[0].pairIds
///     texts[0].choices      // what to store to rebuild it
public struct RenderedText: Sendable, Equatable {
    public var text: String
    public var templateIds: [Int64]
    /// The usable pairs formatted, in text order.
    public var pairIds: [Int64]
    /// The entries whose raw texts this text holds, oldest first.
    public var requestIds: [Int64]
    public var rawTextIds: [Int64]
    /// An entry without usable pairs, kept as its raw text (stored with mode `raw`).
    public var isRawEntry: Bool
    /// Only the choices this text shows: option orders of its shown options, the frame flags
    /// where they apply.
    public var choices: TemplifyChoices

    /// `augmented_texts.mode`.
    public var storedMode: String { isRawEntry ? ComprehensionMode.rawMode : choices.mode.rawValue }
}
