import Foundation

/// Everything that can go wrong reading, training or storing a tokenizer, worded so the user
/// knows which file, field or line to fix.
///
///     do { _ = try Tokenizer(json: bytes, origin: "tok.json") }
///     catch let error as TokenizerError { print(error.localizedDescription) }
public enum TokenizerError: Error, LocalizedError, Equatable {
    case invalidJSON(origin: String, offset: Int, message: String)
    case missingField(origin: String, field: String)
    case wrongType(origin: String, field: String, expected: String, found: String)
    case unsupported(origin: String, field: String, value: String)
    case invalidValue(origin: String, field: String, message: String)
    case unknownTokenId(UInt32, vocabularySize: Int)
    case vocabularyTooSmall(requested: Int, minimum: Int)
    case emptyCorpus(description: String)
    case invalidInputLine(origin: String, line: Int, message: String)
    case unknownTokenizer(name: String)
    case unknownStoredTokenizer(name: String)
    case missingSpecialTokens(name: String)
    case duplicateName(String)
    case unreadableFile(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidJSON(origin, offset, message):
            return "\(origin): not valid JSON at byte \(offset): \(message)"
        case let .missingField(origin, field):
            return "\(origin): field \"\(field)\" is missing; a Hugging Face tokenizer.json needs it"
        case let .wrongType(origin, field, expected, found):
            return "\(origin): field \"\(field)\" should be \(expected), found \(found)"
        case let .unsupported(origin, field, value):
            return "\(origin): unsupported \(field) \(value); supported are byte-level BPE (ByteLevel pre-tokenizer/decoder) and SentencePiece-style BPE (Metaspace, Prepend/Replace normalizers, ByteFallback decoders)"
        case let .invalidValue(origin, field, message):
            return "\(origin): field \"\(field)\": \(message)"
        case let .unknownTokenId(id, size):
            return "token id \(id) is not in the vocabulary (ids run from 0 to \(size - 1)); was the text encoded with another tokenizer?"
        case let .vocabularyTooSmall(requested, minimum):
            return "--vocab-size \(requested) is too small: the special tokens and the 256 byte tokens alone need \(minimum)"
        case let .emptyCorpus(description):
            return "no raw texts to train on (\(description)); ingest some with `ipt ingest` or check --source"
        case let .invalidInputLine(origin, line, message):
            return "line \(line) of \(origin): \(message)"
        case let .unknownTokenizer(name):
            return "no tokenizer named \"\(name)\" in the database and no such file; see `ipt tokenizer list`"
        case let .unknownStoredTokenizer(name):
            return "no tokenizer \"\(name)\"; train or import one with `ipt tokenizer`, or use the built-in \"bytes\"."
        case let .missingSpecialTokens(name):
            return "tokenizer \"\(name)\" has no <s> or no </s> token; snapshots need <s> and </s>."
        case let .duplicateName(name):
            return "a tokenizer named \"\(name)\" already exists; choose another --name"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        }
    }
}
