import Foundation
import JSONLines
import Store
import Testing
@testable import Corpus

/// Inputs that used to hang an ingest, be skipped without a word or grow memory without bound.
@Suite struct HostileInputTests {
    @Test func aFIFOAmongTheInputsIsAnErrorNotAHang() throws {
        let scratch = try Scratch()
        let before = try scratch.fingerprint()
        try scratch.writeJSONL("dir/a.jsonl", texts: ["first"])
        let fifo = scratch.path("dir/pipe.jsonl")
        #expect(mkfifo(fifo, 0o644) == 0)
        for paths in [[fifo], [scratch.path("dir")]] {
            #expect {
                _ = try scratch.ingest(paths)
            } throws: { error in
                guard case let .unreadablePath(path, reason)? = error as? IngestError else { return false }
                return path == fifo && reason.contains("FIFO")
            }
        }
        #expect(try scratch.fingerprint() == before)
    }

    @Test func anUnreadableSubdirectoryIsAnErrorNotSkipped() throws {
        let scratch = try Scratch()
        try scratch.writeJSONL("corpus/a.jsonl", texts: ["first"])
        try scratch.writeJSONL("corpus/locked/b.jsonl", texts: ["second"])
        let locked = scratch.path("corpus/locked")
        let failing: (String) throws -> [String] = { path in
            if path == locked { throw CocoaError(.fileReadNoPermission) }
            return try FileManager.default.contentsOfDirectory(atPath: path)
        }
        #expect {
            _ = try InputFile.expand(paths: [scratch.path("corpus")], list: failing)
        } throws: { error in
            guard case let .unreadablePath(path, reason)? = error as? IngestError else { return false }
            return path == locked && reason.contains("cannot list")
        }
        // The same through the real file system, where permissions apply (not to root).
        if geteuid() != 0 {
            #expect(chmod(locked, 0) == 0)
            defer { chmod(locked, 0o755) }
            let before = try scratch.fingerprint()
            #expect(throws: IngestError.self) { _ = try scratch.ingest([scratch.path("corpus")]) }
            #expect(try scratch.fingerprint() == before)
        }
        let (files, _) = try InputFile.expand(paths: [scratch.path("corpus")])
        #expect(files.map(\.documentName) == ["a.jsonl", "locked/b.jsonl"])
    }

    @Test func aLineWithNoNewlineStopsAtTheLimit() throws {
        var splitter = LineSplitter(maxLineBytes: 10)
        var lines: [[UInt8]] = []
        try splitter.feed(ArraySlice(Array("short\nabc".utf8))) { lines.append(Array($0)) }
        #expect(lines == [Array("short".utf8)])
        #expect(throws: LineSplitter.LineTooLong.self) {
            try splitter.feed(ArraySlice(Array("defghijk".utf8))) { lines.append(Array($0)) }  // 11 bytes pending
        }
        var whole = LineSplitter(maxLineBytes: 4)
        #expect(throws: LineSplitter.LineTooLong.self) { try whole.feed(ArraySlice(Array("12345\n".utf8))) { _ in } }
        var fits = LineSplitter(maxLineBytes: 5)
        try fits.feed(ArraySlice(Array("12345\n".utf8))) { _ in }
    }

    @Test func aDocumentOverTheLimitIsRefused() throws {
        let scratch = try Scratch()
        let path = try scratch.write("bomb.txt", String(repeating: "a", count: 5000))
        try gzip(path)
        let reader = try CompressedFileReader(path: path + ".gz", chunkSize: 1024)
        #expect {
            _ = try reader.readAll(limit: 4096)
        } throws: { error in
            guard case let .tooLarge(errorPath, line, limit)? = error as? IngestError else { return false }
            return errorPath == path + ".gz" && line == nil && limit == 4096 && error.localizedDescription.contains("gzip bomb")
        }
        #expect(try CompressedFileReader(path: path + ".gz").readAll(limit: 5000).count == 5000)
    }
}
