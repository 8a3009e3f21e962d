import Foundation

/// Splits a stream of byte chunks into lines (without their `\n`), handing each line to a
/// closure as a buffer that is only valid during the call. A final line without `\n` is
/// delivered by `finish`.
///
///     var splitter = LineSplitter()
///     try splitter.feed(chunk) { line in print(line.count) }
///     try splitter.finish { line in print(line.count) }
struct LineSplitter {
    /// The start of a line that continues into the next chunk.
    private var pending: [UInt8] = []
    /// The longest line accepted; a longer one (a file with no newlines, a gzip bomb) throws
    /// `LineTooLong` instead of growing `pending` without bound.
    let maxLineBytes: Int

    init(maxLineBytes: Int = IngestLimits.lineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Thrown by `feed` when a line exceeds `maxLineBytes`; `linesBefore` complete lines came first.
    struct LineTooLong: Error {
        var linesBefore: Int
    }

    private var linesDelivered = 0

    mutating func feed(_ chunk: ArraySlice<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
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

    mutating func finish(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBufferPointer { try body($0) }
        pending.removeAll()
    }
}
