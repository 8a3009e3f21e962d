/// The largest inputs an ingest accepts, after decompression. Raw texts are documents a
/// language model reads (a whole book is a few MiB); the limits stop a file without newlines
/// or a `.gz` bomb before it exhausts memory, with an error that names the file and line.
///
///     if line.count > IngestLimits.lineBytes { throw IngestError.tooLarge(path: path, line: n, limit: IngestLimits.lineBytes) }
public enum IngestLimits {
    /// One JSONL line: 64 MiB.
    public static let lineBytes = 64 << 20
    /// One text document (`.txt`, `.txt.gz`): 256 MiB.
    public static let documentBytes = 256 << 20
}
