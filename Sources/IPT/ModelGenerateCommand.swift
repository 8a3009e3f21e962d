import ArgumentParser
import JSONLines
import Model

struct ModelGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a token sequence; print the new tokens as JSON {\"ids\": [...]}.",
        discussion: """
            Greedy unless --temperature is above 0; sampling is reproducible from --seed. \
            Generation stops after --max-new-tokens or at the config's eos token (kept in the \
            output, as transformers does). Example: ipt model generate --model models/tiny --ids 0,5,9 --max-new-tokens 16
            """)

    @Option(help: ArgumentHelp("Model directory (config.json + safetensors).", valueName: "dir"))
    var model: String

    @Option(help: ArgumentHelp("Comma-separated prompt token ids.", valueName: "ids"), transform: parseTokenIds)
    var ids: [Int32]

    @Option(help: "Most tokens to generate.")
    var maxNewTokens = 32

    @Option(help: "Sampling temperature; 0 picks the most likely token.")
    var temperature: Float = 0

    @Option(help: "Nucleus sampling: sample among the top tokens holding this much probability.")
    var topP: Float = 1

    @Option(help: "Seed of the sampling.")
    var seed: UInt64 = 0

    @Flag(help: "Do not stop at the config's eos token.")
    var ignoreEos = false

    func validate() throws {
        guard maxNewTokens >= 0 else { throw ValidationError("--max-new-tokens must be 0 or more") }
        guard temperature >= 0 else { throw ValidationError("--temperature must be 0 or more") }
        guard topP > 0, topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
    }

    func run() throws {
        let decoder = try DecoderModel.load(directory: model)
        var parameters = GenerationParameters(maxNewTokens: maxNewTokens)
        parameters.temperature = temperature
        parameters.topP = topP
        parameters.seed = seed
        if !ignoreEos { parameters.stopTokenIds = decoder.config.eosTokenIds.map { Int32($0) } }
        let generated = try decoder.generate(prompts: [ids], parameters: parameters)
        var out = JSONWriter()
        out.object { o in o.member("ids") { $0.array(ofIntegers: generated[0]) } }
        print(out.text)
    }
}
