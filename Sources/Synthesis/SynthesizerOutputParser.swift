import JSONLines
import SynthesizerText

/// Takes the pairs out of a synthesizer's raw output exactly as the reference parser does:
/// split on `</END>`; if the output does not end with `</END>` the last piece is unfinished and
/// dropped; a piece counts only if it holds exactly one `<ANS>`, its question part (trimmed)
/// starts with `<QUE>`, and its answer (trimmed) is not empty; a question equal to an earlier
/// one ignoring case is dropped.
///
///     let pairs = SynthesizerOutputParser.parse("<QUE> Who? <ANS> Me </END>\n\n<QUE> Why")
///     // [QAPair(question: "Who?", answer: "Me")]  (the unfinished second pair is dropped)
///
/// Strings are compared code point by code point (as Python does), never by Swift's canonical
/// equivalence, so "é" and "e\u{301}" stay two different questions, as in the reference.
public enum SynthesizerOutputParser {
    public static func parse(_ output: String) -> [QAPair] {
        var pieces = PythonString.split(output, on: SynthesizerFormat.endTag)
        if !PythonString.hasSuffix(output, SynthesizerFormat.endTag) { pieces.removeLast() }
        var pairs: [QAPair] = []
        var seenQuestions: Set<[UInt8]> = []
        for piece in pieces {
            let halves = PythonString.split(piece, on: SynthesizerFormat.answerTag)
            guard halves.count == 2 else { continue }
            let questionPart = PythonString.strip(halves[0])
            let answer = PythonString.strip(halves[1])
            guard PythonString.hasPrefix(questionPart, SynthesizerFormat.questionTag), !answer.isEmpty else { continue }
            // The reference removes every `<QUE>` in the question part, not only the leading one.
            let question = PythonString.strip(PythonString.replace(questionPart, SynthesizerFormat.questionTag, with: ""))
            guard seenQuestions.insert(Array(question.lowercased().utf8)).inserted else { continue }
            pairs.append(QAPair(question: question, answer: answer))
        }
        return pairs
    }
}

/// The few Python `str` operations the reference formats rely on, done on code points (UTF-8
/// bytes for ASCII separators) so results match Python's exactly.
///
///     PythonString.split("a</END>b", on: "</END>")   // ["a", "b"]
///     PythonString.strip("\u{1C} x \n")              // "x"  (Python counts \x1c–\x1f as space)
public enum PythonString {
    /// `text.split(separator)`: every occurrence splits, empty pieces are kept.
    public static func split(_ text: String, on separator: String) -> [String] {
        let bytes = Array(text.utf8)
        let needle = Array(separator.utf8)
        var pieces: [String] = []
        var start = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && matches(bytes, at: index, needle) {
                pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        return pieces
    }

    /// How many times `separator` occurs, not overlapping (`text.count(separator)`).
    public static func count(_ text: String, _ separator: String) -> Int {
        split(text, on: separator).count - 1
    }

    public static func replace(_ text: String, _ target: String, with replacement: String) -> String {
        split(text, on: target).joined(separator: replacement)
    }

    public static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    public static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        text.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    public static func contains(_ text: String, _ needle: String) -> Bool {
        split(text, on: needle).count > 1
    }

    /// `str.strip()`: removes leading and trailing characters Python's `isspace()` accepts.
    public static func strip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Python's `isspace()`: Unicode white space plus the separators U+001C–U+001F.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    private static func matches(_ bytes: [UInt8], at index: Int, _ needle: [UInt8]) -> Bool {
        for offset in 0..<needle.count where bytes[index + offset] != needle[offset] { return false }
        return true
    }
}

extension SynthesizerOutputParser {
    /// `ipt synth parse`'s answer to one line `{"output": "…"}` of standard input: the line
    /// `{"pairs": [{"Q": …, "A": …}]}`, or nil for a blank line.
    ///
    ///     try SynthesizerOutputParser.pairsLine(#"{"output": "<QUE> Q? <ANS> A. </END>"}"#, lineNumber: 1)
    ///     // {"pairs":[{"Q":"Q?","A":"A."}]}
    public static func pairsLine(_ line: String, lineNumber: Int) throws(SynthesisError) -> String? {
        if line.isEmpty { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw .invalidParseInput(line: lineNumber, message: "not JSON (\(error.message) at byte \(error.offset))")
        }
        guard let output = value["output"]?.stringValue else {
            throw .invalidParseInput(line: lineNumber, message: "expected a string in field \"output\", as in {\"output\": \"<QUE> ... </END>\"}")
        }
        var writer = JSONWriter()
        writer.object { o in
            o.member("pairs") { json in
                json.array { array in
                    for pair in parse(output) {
                        array.element { $0.object { p in p.member("Q") { $0.string(pair.question) }; p.member("A") { $0.string(pair.answer) } } }
                    }
                }
            }
        }
        return writer.text
    }
}
