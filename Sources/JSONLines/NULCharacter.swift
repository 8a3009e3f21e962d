/// NUL (U+0000) is valid in JSON strings (`"\u0000"`) but not in SQLite text as bound by GRDB,
/// which stops at the first NUL: a string holding one would be stored cut short without a word.
/// Readers of files that go into the database find such strings up front and refuse the line.
///
///     "a\u{0}b".containsNUL                                      // true
///     try JSONParser.parse(line: Array(#"{"id": "x\u0000"}"#.utf8)).pathOfNUL()   // "id"
extension String {
    public var containsNUL: Bool { utf8.contains(0) }
}

extension JSONValue {
    /// The path (`context`, `choices[1]`, `pairs[0].Q`) of the first string or member name that
    /// holds a NUL, or nil if there is none.
    public func pathOfNUL(_ prefix: String = "") -> String? {
        switch self {
        case .null, .bool, .number:
            return nil
        case .string(let text):
            return text.containsNUL ? (prefix.isEmpty ? "(value)" : prefix) : nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let path = element.pathOfNUL("\(prefix)[\(index)]") { return path }
            }
            return nil
        case .object(let members):
            for (key, value) in members {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if key.containsNUL { return path }
                if let found = value.pathOfNUL(path) { return found }
            }
            return nil
        }
    }
}
