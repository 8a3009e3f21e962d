import Foundation
import JSONLines

/// Reads JSONL `{"text": ...}` (or `{"ids": [...]}`) lines from a file or standard input, one
/// at a time, with errors that name the input and line. Used by `ipt tokenizer encode`/`decode`
/// and the benchmarks.
///
///     let reader = try JSONLTextReader(path: nil)   // nil: standard input
///     while let text = try reader.next() { print(text.count) }
public final class JSONLTextReader {
    public let origin: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var splitter = LineSplitter()
    /// Lines split from the last chunk read, not yet returned.
    private var ready: [[UInt8]] = []
    private var readyStart = 0
    private var atEnd = false
    public private(set) var lineNumber = 0
    private let field: String

    public init(path: String?, field: String = "text") throws {
        self.field = field
        if let path {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw TokenizerError.invalidInputLine(origin: path, line: 0, message: "cannot open: \(String(cString: strerror(errno)))")
            }
            descriptor = fd
            ownsDescriptor = true
            origin = path
        } else {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
            origin = "standard input"
        }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next line's text, or nil at the end of the input. Blank lines are errors, so line
    /// numbers of input and output stay aligned.
    public func next() throws -> String? {
        guard let value = try nextValue() else { return nil }
        guard let member = value[field] else {
            throw TokenizerError.invalidInputLine(origin: origin, line: lineNumber, message: "expected an object with a \"\(field)\" field")
        }
        guard let text = member.stringValue else {
            throw TokenizerError.invalidInputLine(origin: origin, line: lineNumber,
                                                  message: "expected a string in field \"\(field)\", found \(member.kindDescription)")
        }
        return text
    }

    /// The next line's JSON value, or nil at the end of the input.
    public func nextValue() throws -> JSONValue? {
        guard let line = try nextLine() else { return nil }
        do {
            return try JSONParser.parse(line: line)
        } catch {
            throw TokenizerError.invalidInputLine(origin: origin, line: lineNumber, message: "byte \(error.offset): \(error.message)")
        }
    }

    /// The token ids in the next line's `"ids"` array, or nil at the end of the input.
    public func nextIds() throws -> [UInt32]? {
        guard let value = try nextValue() else { return nil }
        guard let elements = value["ids"]?.arrayValue else {
            throw TokenizerError.invalidInputLine(origin: origin, line: lineNumber, message: "expected an object with an \"ids\" array")
        }
        return try elements.map { element in
            guard let id = element.intValue, id >= 0, id <= Int(UInt32.max) else {
                throw TokenizerError.invalidInputLine(origin: origin, line: lineNumber,
                                                      message: "expected token ids (non-negative integers) in \"ids\", found \(element.kindDescription)")
            }
            return UInt32(id)
        }
    }

    private func nextLine() throws -> [UInt8]? {
        while readyStart == ready.count {
            if atEnd { return nil }
            ready.removeAll(keepingCapacity: true)
            readyStart = 0
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TokenizerError.invalidInputLine(origin: origin, line: lineNumber + 1, message: "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                atEnd = true
                try splitter.finish { ready.append(Array($0)) }
            } else {
                try splitter.feed(buffer[0..<count]) { ready.append(Array($0)) }
            }
        }
        var line = ready[readyStart]
        readyStart += 1
        if line.last == 0x0D { line.removeLast() }
        lineNumber += 1
        return line
    }
}
