/// Builds one line of JSON into a byte buffer: objects with members in the order written, so
/// output never depends on dictionary order.
///
///     var line = JSONWriter()
///     line.object { o in
///         o.member("id") { $0.string("a-1") }
///         o.member("n") { $0.integer(3) }
///     }
///     line.text   // {"id":"a-1","n":3}
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    /// What has been written, as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public init() {}

    public mutating func null() { append("null") }

    public mutating func bool(_ value: Bool) { append(value ? "true" : "false") }

    public mutating func integer<I: BinaryInteger>(_ value: I) { append(String(value)) }

    /// Finite doubles in Swift's shortest round-tripping form; NaN and infinities as null
    /// (JSON has no spelling for them).
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        if value == value.rounded(), abs(value) < 1e15 {
            append(String(Int64(value)))
        } else {
            append(String(value))
        }
    }

    /// A double, or null where there is none.
    public mutating func double(orNull value: Double?) {
        if let value { double(value) } else { null() }
    }

    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                default:
                    let hex = String(byte, radix: 16)
                    append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case let .bool(b): bool(b)
        case let .number(text): append(text)
        case let .string(s): string(s)
        case let .array(elements): array { a in for element in elements { a.element { $0.value(element) } } }
        case let .object(members): object { o in for m in members { o.member(m.key) { $0.value(m.value) } } }
        }
    }

    public mutating func object(_ body: (inout ObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var writer = ObjectWriter(json: self)
        bytes = []
        body(&writer)
        self = writer.json
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func array(_ body: (inout ArrayWriter) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var writer = ArrayWriter(json: self)
        bytes = []
        body(&writer)
        self = writer.json
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func array(ofIntegers values: some Sequence<some BinaryInteger>) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for value in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            append(String(value))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An array of numbers, each written as `double` writes it.
    public mutating func array(ofDoubles values: some Sequence<Double>) {
        array { a in for value in values { a.element { $0.double(value) } } }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes the members of one object, inserting commas between them.
    public struct ObjectWriter {
        fileprivate var json: JSONWriter
        private var count = 0

        fileprivate init(json: JSONWriter) { self.json = json }

        public mutating func member(_ key: String, _ body: (inout JSONWriter) -> Void) {
            if count > 0 { json.bytes.append(UInt8(ascii: ",")) }
            count += 1
            json.string(key)
            json.bytes.append(UInt8(ascii: ":"))
            body(&json)
        }
    }

    /// Writes the elements of one array, inserting commas between them.
    public struct ArrayWriter {
        fileprivate var json: JSONWriter
        private var count = 0

        fileprivate init(json: JSONWriter) { self.json = json }

        public mutating func element(_ body: (inout JSONWriter) -> Void) {
            if count > 0 { json.bytes.append(UInt8(ascii: ",")) }
            count += 1
            body(&json)
        }
    }
}
