import ArgumentParser
import Mixing
import Store

struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix",
        abstract: "Define pre-training mixtures of raw, augmented and instruction data.",
        subcommands: [MixCreateCommand.self])
}

struct MixCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Store a named mixture: an ordered list of components.",
        discussion: """
            A component is KIND[:key=value,…]:
              raw[:source=S,split=train|heldout,exclude-run=R]   raw texts (exclude-run: only those no \
            augmented text of synthesis run R contains)
              augmented:run=R[,seed=N]                            augmented texts of synthesis run R
              instructions:set=NAME                               an ingested instruction set
            and any component takes ratio=F (a seeded fraction in (0, 1]) and repeat=N.

            The paper's recipes:
              from scratch (1/5 of raw texts converted, the rest raw, synthesizer data ×4):
                --component augmented:run=1 --component raw:source=web,exclude-run=1 \
            --component instructions:set=synth-tasks,repeat=4
              continual (all domain texts converted, plus general instructions):
                --component augmented:run=2 --component instructions:set=general
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Name of the new mixture.")
    var name: String

    @Option(name: .customLong("component"), help: ArgumentHelp("A component spec (repeat the option for more).", valueName: "spec"))
    var components: [String] = []

    func validate() throws {
        if name.isEmpty { throw ValidationError("the mixture name must not be empty") }
        if components.isEmpty { throw ValidationError("give at least one --component") }
    }

    func run() throws {
        let parsed = try components.map { try MixtureComponent.parse($0) }
        let id = try Mixture.create(name: name, components: parsed, store: try Store.open(path: database.db))
        print("mixture \(name) (id \(id)): " + parsed.map(\.spec).joined(separator: " + "))
    }
}
