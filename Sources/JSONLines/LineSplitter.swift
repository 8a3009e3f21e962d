import Foundation

/// The one line reader of JSONL input: splits a stream of byte chunks into lines (without
/// their `\n`), handing each line to a closure as a buffer that is only valid during the call.
/// A final line without `\n` is delivered by `finish`. `lines(of:)` does the same for a file
/// already in memory.
///
///     var splitter = LineSplitter(maxLineBytes: 1 << 20)
///     try splitter.feed(chunk) { line in print(line.count) }
///     try splitter.finish { line in print(line.count) }
///     for line in LineSplitter.lines(of: bytes) { print(line.number, line.bytes.count) }
public struct LineSplitter {
    /// The start of a line that continues into the next chunk.
    private var pending: [UInt8] = []
    /// The longest line accepted; a longer one (a file with no newlines, a gzip bomb) throws
    /// `LineTooLong` instead of growing `pending` without bound.
    public let maxLineBytes: Int

    public init(maxLineBytes: Int = .max) {
        self.maxLineBytes = maxLineBytes
    }

    /// Thrown by `feed` when a line exceeds `maxLineBytes`; `linesBefore` complete lines came first.
    public struct LineTooLong: Error {
        public var linesBefore: Int
    }

    private var linesDelivered = 0

    public mutating func feed(_ chunk: ArraySlice<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try chunk.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                guard let newline = memchr(base + start, 0x0A, buffer.count - start) else {
                    if pending.count + buffer.count - start > maxLineBytes { throw LineTooLong(linesBefore: linesDelivered) }
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start...]))
                    return
                }
                let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                if pending.count + end - start > maxLineBytes { throw LineTooLong(linesBefore: linesDelivered) }
                linesDelivered += 1
                if pending.isEmpty {
                    try body(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                } else {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
                    try pending.withUnsafeBufferPointer { try body($0) }
                    pending.removeAll(keepingCapacity: true)
                }
                start = end + 1
            }
        }
    }

    public mutating func finish(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBufferPointer { try body($0) }
        pending.removeAll()
    }

    /// The lines of bytes held in memory, numbered from 1, each without a `\r` before its `\n`
    /// (blank lines included, so numbers match the file); `end` is where the line's `\n` is.
    public static func lines(of bytes: [UInt8]) -> [(number: Int, bytes: [UInt8], end: Int)] {
        var lines: [(number: Int, bytes: [UInt8], end: Int)] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var line = Array(bytes[start..<end])
            if line.last == 0x0D { line.removeLast() }
            lines.append((lines.count + 1, line, end))
            start = end + 1
        }
        return lines
    }
}
