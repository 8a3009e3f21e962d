import ArgumentParser
import JSONLines
import Model

struct ModelInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a randomly initialised model in Hugging Face format.",
        discussion: """
            Weights are drawn as transformers initialises them (normal, std 0.02; norm gains 1) \
            from the seed alone. Example: ipt model init --config tiny --seed 0 --out models/tiny
            """)

    @Option(help: ArgumentHelp("tiny, small (the shared benchmark configs) or a config.json file.", valueName: "name|file"))
    var config: String

    @Option(help: "Seed of the random initialisation.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Directory to write config.json and model.safetensors into.", valueName: "dir"))
    var out: String

    func run() throws {
        let modelConfig = try ModelConfig.preset(config) ?? ModelConfig.load(path: config)
        let model = try DecoderModel(config: modelConfig)
        model.randomize(seed: seed)
        try model.save(directory: out)
        var json = JSONWriter()
        json.object { o in
            o.member("out") { $0.string(out) }
            o.member("parameters") { $0.integer(modelConfig.parameterCount) }
        }
        print(json.text)
    }
}
