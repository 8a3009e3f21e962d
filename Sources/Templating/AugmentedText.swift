import Foundation
import GRDB
import JSONLines

/// An instruction-augmented text as stored (`augmented_texts`): the text and every choice that
/// made it, so `TemplifyRepository.rebuild` can render it again byte-for-byte.
///
///     let text = try AugmentedText.fetchOne(db, key: 1)
///     text?.mode              // "classic"
///     text?.templateIdList    // [12, 40, 7, ...] in order of first use
public struct AugmentedText: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "augmented_texts"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: Int64
    public var runId: Int64
    public var firstRequestId: Int64
    /// Which of its chain's texts: 0 the formatted text, then each pair-less entry's raw text.
    public var part: Int
    public var seed: Int64
    /// A `ComprehensionMode` raw value, or `raw` for an entry kept as its raw text.
    public var mode: String
    public var inverted: Bool
    public var bareText: Bool
    public var noHeader: Bool
    public var hiddenOptions: Bool
    public var templateIds: String
    public var optionOrders: String
    public var requestIds: String
    public var rawTextIds: String
    public var pairIds: String
    public var text: String
    /// Lowercase hex SHA-256 of `text`.
    public var sha256: String
    public var createdAt: String

    public var templateIdList: [Int64]? { Self.integers(templateIds) }
    public var requestIdList: [Int64]? { Self.integers(requestIds) }
    public var rawTextIdList: [Int64]? { Self.integers(rawTextIds) }
    public var pairIdList: [Int64]? { Self.integers(pairIds) }

    static func integers(_ json: String) -> [Int64]? {
        guard let items = (try? JSONParser.parse(json))?.arrayValue else { return nil }
        let values = items.compactMap { $0.numberText.flatMap { Int64($0) } }
        return values.count == items.count ? values : nil
    }

    static func json(_ integers: [Int64]) -> String {
        var writer = JSONWriter()
        writer.array(ofIntegers: integers)
        return writer.text
    }
}
