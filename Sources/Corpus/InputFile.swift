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
    /// (and reported), while a file named explicitly must have a known extension. A directory
    /// that cannot be listed, or an entry that is not a regular file (a FIFO, socket or device,
    /// which would block or never end), stops the expansion with an error: nothing is skipped
    /// silently and nothing hangs.
    public static func expand(paths: [String]) throws -> (files: [InputFile], ignored: [String]) {
        try expand(paths: paths, list: { try FileManager.default.contentsOfDirectory(atPath: $0) })
    }

    /// `expand` with the directory lister given (tests make one fail, as an unreadable
    /// directory does for anyone but root).
    static func expand(paths: [String], list: (String) throws -> [String]) throws -> (files: [InputFile], ignored: [String]) {
        var files: [InputFile] = []
        var ignored: [String] = []
        for path in paths {
            switch try kind(of: path) {
            case .directory, .symlinkedDirectory:  // A link named on the command line is followed.
                var relativePaths: [String] = []
                try walk(directory: path, relative: "", into: &relativePaths, list: list)
                for relative in relativePaths.sorted() {
                    let full = (path as NSString).appendingPathComponent(relative)
                    if let format = format(ofName: relative) {
                        files.append(try checked(path: full, format: format, documentName: relative))
                    } else {
                        ignored.append(full)
                    }
                }
            case .regular:
                guard let format = format(ofName: path) else {
                    throw IngestError.unknownFormat(path: path)
                }
                files.append(try checked(path: path, format: format, documentName: (path as NSString).lastPathComponent))
            }
        }
        return (files, ignored)
    }

    private enum Kind { case regular, directory, symlinkedDirectory }

    /// What `path` is, following a symbolic link to a file; throws for anything that is not a
    /// regular file or a directory.
    private static func kind(of path: String) throws -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw IngestError.unreadablePath(path: path, reason: errno == ENOENT ? "no such file or directory" : String(cString: strerror(errno)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return .regular
        case S_IFDIR:
            var linkInfo = stat()
            return lstat(path, &linkInfo) == 0 && linkInfo.st_mode & S_IFMT == S_IFLNK ? .symlinkedDirectory : .directory
        case S_IFIFO:
            throw IngestError.unreadablePath(path: path, reason: "a FIFO (named pipe), not a file; ingest reads files, so write the data to a file first")
        default:
            throw IngestError.unreadablePath(path: path, reason: "not a regular file (a socket or device)")
        }
    }

    /// Every regular file under `directory` (relative paths), recursing into subdirectories but
    /// not into symbolic links to directories (which may loop), as `FileManager`'s enumerator does.
    private static func walk(directory: String, relative: String, into paths: inout [String], list: (String) throws -> [String]) throws {
        let here = relative.isEmpty ? directory : (directory as NSString).appendingPathComponent(relative)
        let names: [String]
        do { names = try list(here) } catch {
            throw IngestError.unreadablePath(path: here, reason: "cannot list the directory (\((error as NSError).localizedFailureReason ?? error.localizedDescription)); fix its permissions or leave it out")
        }
        for name in names.sorted() {
            let child = relative.isEmpty ? name : (relative as NSString).appendingPathComponent(name)
            switch try kind(of: (directory as NSString).appendingPathComponent(child)) {
            case .regular: paths.append(child)
            case .directory: try walk(directory: directory, relative: child, into: &paths, list: list)
            case .symlinkedDirectory: continue
            }
        }
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
