import ArgumentParser
import Corpus
import Foundation
import JSONLines
import Model
import Store
import Tokenization

struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train, import, export and use byte-level BPE tokenizers (Hugging Face tokenizer.json compatible).",
        discussion: """
            Tokenizers live in the database (table `tokenizers`: name, kind, vocab size, the \
            tokenizer.json text and its SHA-256) and are referenced by id from everything \
            tokenized later. Byte-level BPE (GPT-2 style) is trained and written; \
            SentencePiece-style BPE (Llama/Mistral tokenizer.json) can be imported and used.
            """,
        subcommands: [
            TokenizerTrainCommand.self, TokenizerImportCommand.self, TokenizerExportCommand.self,
            TokenizerEncodeCommand.self, TokenizerDecodeCommand.self, TokenizerListCommand.self, TokenizerBenchCommand.self,
        ])
}

struct TokenizerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a byte-level BPE tokenizer on the database's raw texts and store it.",
        discussion: """
            Same algorithm and tie-breaking as Hugging Face tokenizers' BpeTrainer with a \
            ByteLevel pre-tokenizer (add_prefix_space false) and the 256-byte initial alphabet: \
            the special tokens get ids 0, 1, 2…, the bytes follow, then the learned merges.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Vocabulary size to reach (special tokens + 256 bytes + merges).")
    var vocabSize: Int

    @Option(help: "Name to store the tokenizer under (unique).")
    var name: String

    @Option(help: "Train only on texts of this source.")
    var source: String?

    @Option(help: "Train only on texts of this split: train or heldout.")
    var split: Split?

    @Option(parsing: .upToNextOption, help: "Special tokens, in id order.")
    var specialTokens: [String] = ["<s>", "</s>", "<unk>"]

    @Option(help: ArgumentHelp("Also write the tokenizer.json here (atomically).", valueName: "file.json"))
    var out: String?

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if name.isEmpty { throw ValidationError("--name must not be empty") }
        if vocabSize < 1 { throw ValidationError("--vocab-size must be positive") }
    }

    func run() throws {
        let store = try Store.open(path: database.db)
        let started = Date()
        let (record, tokenizer, training) = try progress.showing("tokenizer train") { onProgress in
            try CorpusTraining.trainAndStore(
                store: store, name: name, source: source, split: split, trainer: BPETrainer(vocabularySize: vocabSize, specialTokens: specialTokens),
                progress: onProgress)
        }
        if let out { try AtomicFile.write(Array(record.json.utf8), to: out) }
        printError(String(format: "trained %@ (id %lld): vocab %d, %d merges, from %d texts (%.1f MB) in %.2f s",
                          name, record.id ?? 0, tokenizer.vocabularySize, tokenizer.mergeList.count,
                          training.texts, Double(training.bytes) / 1e6, Date().timeIntervalSince(started)))
    }
}

struct TokenizerImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store a Hugging Face tokenizer.json in the database under a name.",
        discussion: "The file is checked (it must load) and stored byte for byte; `export` gives it back unchanged.")

    @Argument(help: ArgumentHelp("The tokenizer.json file.", valueName: "file.json"))
    var file: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Name to store the tokenizer under (unique).")
    var name: String

    func run() throws {
        let record = try Tokenization.Tokenizer.importFile(file, name: name, databasePath: database.db)
        printError("imported \(name) (id \(record.id ?? 0)): \(record.kind.rawValue), vocab \(record.vocabSize), sha256 \(record.sha256)")
    }
}

struct TokenizerExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a stored tokenizer's tokenizer.json to a file.")

    @Argument(help: "The tokenizer's name.")
    var name: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Output file (written atomically).", valueName: "file.json"))
    var out: String

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        guard let record = try store.read({ db in try TokenizerRepository.tokenizer(named: name, in: db) }) else {
            throw TokenizerError.unknownTokenizer(name: name)
        }
        try AtomicFile.write(Array(record.json.utf8), to: out)
        printError("exported \(name) to \(out) (sha256 \(record.sha256))")
    }
}

struct TokenizerEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode JSONL {\"text\": ...} from standard input to JSONL {\"ids\": [...]} on standard output.",
        discussion: "One output line per input line, in order. Ids are identical to Hugging Face tokenizers' for the same tokenizer.json.")

    @OptionGroup var source: TokenizerSourceOptions

    @Flag(help: "Add the post-processor's special tokens (e.g. Llama's <s>), as HF's encode does by default.")
    var addSpecialTokens = false

    func run() throws {
        try source.load()
            .encodeLines(from: try JSONLTextReader(path: nil), to: try LineWriter(path: nil), addSpecialTokens: addSpecialTokens)
    }
}

struct TokenizerDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode JSONL {\"ids\": [...]} from standard input to JSONL {\"text\": ...} on standard output.",
        discussion: "The inverse of `encode`: for byte-level tokenizers, decode(encode(text)) is text, byte for byte.")

    @OptionGroup var source: TokenizerSourceOptions

    func run() throws {
        try source.load()
            .decodeLines(from: try JSONLTextReader(path: nil), to: try LineWriter(path: nil))
    }
}

/// `--tokenizer` and `--db` as `encode` and `decode` take them: a file, or a name in the database.
struct TokenizerSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A tokenizer.json file, or the name of a tokenizer in the database.", valueName: "file-or-name"))
    var tokenizer: String

    @Option(help: ArgumentHelp("The InstructPT database file (for a tokenizer given by name).", valueName: "path"))
    var db = "./instructpt.db"

    func load() throws -> Tokenization.Tokenizer {
        try Tokenization.Tokenizer.load(fileOrName: tokenizer, databasePath: db)
    }
}

struct TokenizerListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tokenizers stored in the database.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try Store.open(path: database.db, mode: .readOnly)
        for record in try store.read({ db in try TokenizerRepository.all(in: db) }) { print(record.listing) }
    }
}

struct TokenizerBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure BPE training seconds and single-thread encode MB/s on a JSONL corpus; print JSON.",
        discussion: """
            Compare with ../shared/bench/tok_peer.py CORPUS VOCAB OUT.json (HF tokenizers). \
            Texts are read into memory first, as the peer does. Each run trains from scratch \
            and encodes every text with a fresh tokenizer (empty word cache); medians are reported. \
            With --tokenizer, encoding uses that tokenizer.json (e.g. the one HF trained) instead.
            """)

    @Argument(help: ArgumentHelp("A JSONL corpus with a \"text\" field.", valueName: "corpus.jsonl"))
    var corpus: String

    @Option(help: "Vocabulary size to train.")
    var vocabSize = 8192

    @Option(help: "How many runs.")
    var runs = 3

    @Option(help: ArgumentHelp("Encode with this tokenizer.json instead of the one trained.", valueName: "file.json"))
    var tokenizer: String?

    func run() throws {
        print(try TokenizerBenchmark(corpus: corpus, vocabSize: vocabSize, runs: runs, tokenizer: tokenizer).run(log: printError))
    }

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
    }
}
