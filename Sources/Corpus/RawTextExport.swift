import GRDB
import JSONLines
import Store

/// Writes raw texts as JSONL, `{"id": external id (or the internal id), "text": ...}` per line,
/// in id order. Texts come out byte-for-byte as they were ingested.
///
///     let out = try LineWriter(path: "raw.jsonl")
///     let count = try RawTextExport.jsonl(store: store, source: nil, split: .train, to: out)
///     try out.close()
public enum RawTextExport {
    @discardableResult
    public static func jsonl(store: Store, source: String?, split: Split?, to output: LineWriter) throws -> Int {
        try store.read { db in
            if let source, try CorpusRepository.existingSource(named: source, in: db) == nil {
                throw CorpusError.unknownSource(source)
            }
            var count = 0
            try CorpusRepository.forEachRawText(source: source, split: split, in: db) { rawText in
                var line = JSONWriter()
                line.object { o in
                    o.member("id") { json in
                        if let externalId = rawText.externalId { json.string(externalId) } else { json.integer(rawText.id) }
                    }
                    o.member("text") { $0.string(rawText.text) }
                }
                try output.write(line: line.bytes)
                count += 1
            }
            return count
        }
    }
}
