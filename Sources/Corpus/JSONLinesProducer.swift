import Foundation
import JSONLines

/// Reads one JSONL file on a background thread: splits lines, parses and validates each one,
/// and prepares (hashes) its text, handing batches to the writer through a bounded queue.
///
///     let queue = JSONLinesProducer.start(file: file, options: options)
///     while true { let batch = queue.pop(); …; if batch.isLast { break } }
struct JSONLinesProducer {
    /// What the producer hands over: texts in input order, skipped lines, and how far it read.
    struct Batch: Sendable {
        var texts: [PreparedText] = []
        var skipped: [SkippedInput] = []
        var bytesRead = 0
        var error: IngestError?
        var isLast = false
    }

    let file: InputFile
    let options: IngestOptions

    static func start(file: InputFile, options: IngestOptions) -> BoundedQueue<Batch> {
        let queue = BoundedQueue<Batch>(capacity: 8)
        let producer = JSONLinesProducer(file: file, options: options)
        Thread.detachNewThread {
            producer.run(into: queue)
        }
        return queue
    }

    private func run(into queue: BoundedQueue<Batch>) {
        var batch = Batch()
        var batchBytes = 0
        do {
            let reader = try CompressedFileReader(path: file.path)
            var lines = LineSplitter(maxLineBytes: IngestLimits.lineBytes)
            var lineNumber = 0
            func handle(_ line: UnsafeBufferPointer<UInt8>) throws {
                lineNumber += 1
                guard !isBlank(line) else { return }
                do {
                    let prepared = try parseLine(line)
                    batchBytes += prepared.byteCount
                    batch.texts.append(prepared)
                } catch let problem as LineProblem {
                    guard options.skipInvalid else {
                        throw IngestError.invalidLine(path: file.path, line: lineNumber, message: problem.message)
                    }
                    batch.skipped.append(SkippedInput(path: file.path, line: lineNumber, message: problem.message))
                }
            }
            while let chunk = try reader.nextChunk() {
                do { try lines.feed(chunk, handle) } catch let tooLong as LineSplitter.LineTooLong {
                    throw IngestError.tooLarge(path: file.path, line: tooLong.linesBefore + 1, limit: lines.maxLineBytes)
                }
                if batchBytes >= 1 << 20 {
                    batch.bytesRead = reader.compressedOffset
                    guard queue.push(batch) else { return }
                    batch = Batch()
                    batchBytes = 0
                }
            }
            try lines.finish(handle)
            batch.bytesRead = reader.compressedOffset
        } catch let error as IngestError {
            batch.error = error
        } catch {
            batch.error = .corruptFile(path: file.path, reason: "\(error)")
        }
        batch.isLast = true
        queue.push(batch)
    }

    private struct LineProblem: Error {
        var message: String
    }

    private func parseLine(_ line: UnsafeBufferPointer<UInt8>) throws -> PreparedText {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: line)
        } catch {
            throw LineProblem(message: "malformed JSON at column \(error.offset + 1): \(error.message)")
        }
        guard case .object = value else {
            throw LineProblem(message: "expected a JSON object, found \(value.kindDescription)")
        }
        guard let field = value[options.textField] else {
            throw LineProblem(message: "missing field \"\(options.textField)\"")
        }
        guard let text = field.stringValue else {
            throw LineProblem(message: "expected a string in field \"\(options.textField)\", found \(field.kindDescription)")
        }
        guard !isBlank(text) else {
            throw LineProblem(message: "field \"\(options.textField)\" is empty")
        }
        var externalId: String?
        switch value[options.idField] {
        case nil, .null?: externalId = nil
        case let .string(s)?: externalId = s
        case let .number(n)?: externalId = n
        case let other?:
            throw LineProblem(message: "expected a string or number in field \"\(options.idField)\", found \(other.kindDescription)")
        }
        let prepared = PreparedText(text: text, externalId: externalId)
        guard !prepared.containsNUL else {
            throw LineProblem(message: "field \"\(options.textField)\" contains a NUL character (\\u0000), which SQLite text cannot hold")
        }
        if let externalId, externalId.containsNUL {
            throw LineProblem(message: "field \"\(options.idField)\" contains a NUL character (\\u0000), which SQLite text cannot hold")
        }
        return prepared
    }
}

func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
}

func isBlank(_ text: String) -> Bool {
    text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
}
