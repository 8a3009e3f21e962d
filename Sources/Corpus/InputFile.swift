import Foundation

/// How an input file holds its texts.
public enum InputFormat: String, Codable, Sendable {
    /// One JSON object per line; the text is in a named field.
    case jsonl
    /// The whole file is one document.
    case text
}

/// One file to ingest, found on the command line or inside a directory argument.
///
///     let files = try InputFile.expand(paths: ["corpus/", "extra.jsonl.gz"])
///     files.map(\.format)   // [.jsonl, .text, ...], directories walked in name order
public struct InputFile: Sendable, Equatable {
    public var path: String
    public var format: InputFormat
    /// Size on disk (compressed size for `.gz`), for the progress bar.
    public var size: Int
    /// What the file's texts are called in `raw_texts.external_id` when the format has no ids:
    /// the path relative to the directory argument, or the file name.
    public var documentName: String

    /// The format a file name implies, looking through a final `.gz`; nil if unknown.
    public static func format(ofName name: String) -> InputFormat? {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".gz") { lowered.removeLast(3) }
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { return .jsonl }
        if lowered.hasSuffix(".txt") { return .text }
        return nil
    }

    /// Expands command-line paths into files, checking each one can be opened. Directories are
    /// walked recursively in name order; files inside them with other extensions are ignored
    /// (and reported), while a file named explicitly must have a known extension.
    public static func expand(paths: [String]) throws -> (files: [InputFile], ignored: [String]) {
        var files: [InputFile] = []
        var ignored: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw IngestError.unreadablePath(path: path, reason: "no such file or directory")
            }
            if isDirectory.boolValue {
                guard let enumerator = manager.enumerator(atPath: path) else {
                    throw IngestError.unreadablePath(path: path, reason: "cannot list the directory")
                }
                var relativePaths: [String] = []
                while let relative = enumerator.nextObject() as? String {
                    let full = (path as NSString).appendingPathComponent(relative)
                    var childIsDirectory: ObjCBool = false
                    if manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                        relativePaths.append(relative)
                    }
                }
                for relative in relativePaths.sorted() {
                    let full = (path as NSString).appendingPathComponent(relative)
                    if let format = format(ofName: relative) {
                        files.append(try checked(path: full, format: format, documentName: relative))
                    } else {
                        ignored.append(full)
                    }
                }
            } else {
                guard let format = format(ofName: path) else {
                    throw IngestError.unknownFormat(path: path)
                }
                files.append(try checked(path: path, format: format, documentName: (path as NSString).lastPathComponent))
            }
        }
        return (files, ignored)
    }

    private static func checked(path: String, format: InputFormat, documentName: String) throws -> InputFile {
        guard let handle = fopen(path, "rb") else {
            throw IngestError.unreadablePath(path: path, reason: String(cString: strerror(errno)))
        }
        fclose(handle)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        return InputFile(path: path, format: format, size: size, documentName: documentName)
    }
}
