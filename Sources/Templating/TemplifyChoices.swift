import JSONLines

/// Every choice made for one augmented text — the mode, whether it is inverted, the template
/// of each family, and the order the options of each multiple-choice pair were shown in.
/// `TemplifyRenderer.render` is a pure function of a chain and these choices, so storing them
/// is enough to rebuild the text byte-for-byte.
///
///     let choices = TemplifyRenderer.choose(for: chain, catalog: catalog, seed: 42)
///     choices.mode                  // .classic
///     choices.optionOrders[17]      // [2, 0, 1, 3]: pair 17 shows its third option first
public struct TemplifyChoices: Sendable, Equatable {
    public var mode: ComprehensionMode
    public var inverted: Bool
    /// The template chosen for each family (only the ones a text uses are stored).
    public var templates: [TemplateFamily: Int64]
    /// Pair id → the original index of the option shown at each position.
    public var optionOrders: [Int64: [Int]]

    public init(mode: ComprehensionMode, inverted: Bool, templates: [TemplateFamily: Int64], optionOrders: [Int64: [Int]]) {
        self.mode = mode
        self.inverted = inverted
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
        return String(decoding: writer.bytes, as: UTF8.self)
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

/// An augmented text and the templates it used, in order of first use.
public struct RenderedText: Sendable, Equatable {
    public var text: String
    public var templateIds: [Int64]
    /// The usable pairs formatted, in chain order.
    public var pairIds: [Int64]
    /// Only the option orders of pairs this text shows.
    public var choices: TemplifyChoices
}
