import GRDB
import JSONLines
import Store

/// Writes a run's augmented texts as JSONL, one object per line:
/// `{"id", "text", "raw_text_ids", "mode", "template_ids", "seed"}`, in id order. The same
/// database and seed give the same bytes.
///
///     let output = try LineWriter(path: "augmented.jsonl")
///     let count = try AugmentedTextExport.jsonl(store: store, run: 1, seed: nil, to: output)
///     try output.close()
public enum AugmentedTextExport {
    @discardableResult
    public static func jsonl(store: Store, run runId: Int64, seed: Int64?, to output: LineWriter) throws -> Int {
        var count = 0
        try store.read { db in
            try TemplifyRepository.forEachText(run: runId, seed: seed, in: db) { text in
                try output.write(line: line(for: text))
                count += 1
            }
        }
        return count
    }

    public static func line(for text: AugmentedText) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { object in
            object.member("id") { $0.integer(text.id) }
            object.member("text") { $0.string(text.text) }
            object.member("raw_text_ids") { $0.array(ofIntegers: text.rawTextIdList ?? []) }
            object.member("mode") { $0.string(text.mode) }
            object.member("template_ids") { $0.array(ofIntegers: text.templateIdList ?? []) }
            object.member("seed") { $0.integer(text.seed) }
        }
        return writer.bytes
    }
}
