import ArgumentParser
import JSONLines
import Model

struct ModelLogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Print the model's logits for a token sequence as JSON {\"logits\": [[...], ...]}.",
        discussion: "One row of vocab_size floats per position. Example: ipt model logits --model models/tiny --ids 0,5,9")

    @Option(help: ArgumentHelp("Model directory (config.json + safetensors).", valueName: "dir"))
    var model: String

    @Option(help: ArgumentHelp("Comma-separated token ids.", valueName: "ids"), transform: parseTokenIds)
    var ids: [Int32]

    func run() throws {
        let decoder = try DecoderModel.load(directory: model)
        let rows = try decoder.logits(sequence: ids)
        var out = JSONWriter()
        out.object { o in
            o.member("logits") { json in json.array { a in for row in rows { a.element { $0.array(ofDoubles: row.map(Double.init)) } } } }
        }
        print(out.text)
    }
}
