// swift-tools-version:6.1
import PackageDescription

// InstructPT: one target per pipeline stage; dependencies flow one way, ipt → stages → Store.
let package = Package(
    name: "InstructPT",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ipt", targets: ["IPT"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, zlib1g-dev; SQLite comes through GRDB).
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Build-time embedding of migrations/, queries/ and templates/ into the binary.
        .executableTarget(name: "EmbedSQLTool", path: "Sources/EmbedSQLTool"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["EmbedSQLTool"]),

        // Shared, dependency-free helpers.
        .target(name: "JSONLines"),
        .target(name: "Randomness"),
        // Progress reports from long stages, and the one display of them (bar or log lines).
        .target(name: "ProgressReporting"),
        .target(name: "DemoWorld", dependencies: ["Randomness"]),
        // The paper's experiment end to end: runs `ipt` commands handed to it by the CLI.
        .target(name: "Demo", dependencies: [
            "Corpus", "DemoWorld", "Evaluation", "JSONLines", "Mixing", "Model", "Store", "Synthesis", "SynthesizerText", "Templating", "Training",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        // Stages.
        .target(
            name: "Store",
            dependencies: [
                "JSONLines",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedSQL"]),
        .target(
            name: "Corpus",
            dependencies: [
                "Store", "JSONLines", "CZlib", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .target(
            name: "Tokenization",
            dependencies: [
                "Store", "Corpus", "JSONLines", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // The instruction synthesizer's text format and the question–answer pair, shared by
        // synthesis, instruction data and synthesizer fine-tuning.
        .target(name: "SynthesizerText"),
        // Synthesis's core: the parser, chaining and the work queue.
        .target(
            name: "Synthesis",
            dependencies: [
                "SynthesizerText", "Store", "Corpus", "JSONLines", "Randomness",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // Its backends: the rule-based miner, a local model, OpenAI-compatible servers.
        .target(
            name: "SynthesisBackends",
            dependencies: [
                "SynthesizerText", "Synthesis", "Store", "Corpus", "JSONLines", "Randomness", "Model", "Tokenization", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // The decoder LM (Mistral/Llama) over OpenBLAS, with AVX2 decode-step kernels in C
        // (CKernels, chosen at run time); knows nothing of SQLite.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "Model",
            dependencies: ["COpenBLAS", "CKernels", "Randomness", "JSONLines", "ProgressReporting"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(
            name: "Templating",
            dependencies: [
                "SynthesizerText", "Store", "Synthesis", "Corpus", "JSONLines", "Randomness", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            plugins: ["EmbedSQL"]),
        // Instruction data, mixtures, content-addressed snapshots and exports for other trainers.
        .target(
            name: "Mixing",
            dependencies: [
                "SynthesizerText", "Store", "JSONLines", "Randomness", "Tokenization", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The trainer over the Model target: checkpoints, exact resume, synthesizer fine-tuning.
        .target(
            name: "Training",
            dependencies: [
                "SynthesizerText", "Model", "Store", "Mixing", "Tokenization", "Randomness", "JSONLines", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // lm-evaluation-harness-style multiple-choice scoring, perplexity, reports and plots.
        .target(
            name: "Evaluation",
            dependencies: [
                "Store", "Corpus", "Model", "Tokenization", "Mixing", "Training", "JSONLines", "Randomness", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // The command line: parsing, calling a stage, printing.
        .executableTarget(
            name: "IPT",
            dependencies: [
                "Store", "Corpus", "JSONLines", "Demo", "Model", "Synthesis", "SynthesisBackends", "Templating", "Mixing", "Training",
                "Tokenization", "Evaluation", "COpenBLAS", "Randomness", "ProgressReporting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "JSONLinesTests", dependencies: ["JSONLines"]),
        .testTarget(name: "ProgressReportingTests", dependencies: ["ProgressReporting"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "Store", "JSONLines"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "CKernels", "Randomness"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "ProgressReporting", "Store", "Corpus", "Model", "Tokenization", "Mixing", "Randomness", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "MixingTests", dependencies: ["SynthesizerText", "Mixing", "ProgressReporting", "Store", "Corpus", "JSONLines", "Randomness", "Tokenization"]),
        .testTarget(name: "TrainingTests", dependencies: ["SynthesizerText", "Training", "Mixing", "Model", "Store", "Corpus", "Randomness", "Tokenization", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SynthesisTests", dependencies: ["SynthesizerText", "Synthesis", "SynthesisBackends", "Store", "Corpus", "JSONLines", "Randomness", "Model", "Tokenization"]),
        .testTarget(name: "TemplatingTests", dependencies: ["SynthesizerText", "Templating", "Synthesis", "Store", "Corpus", "JSONLines", "Randomness"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "ProgressReporting", "Corpus", "Store", "JSONLines"]),
        .testTarget(name: "DemoWorldTests", dependencies: ["DemoWorld"]),
        .testTarget(name: "IPTTests", dependencies: ["IPT", "Demo", "Store", .product(name: "GRDB", package: "GRDB.swift")]),
    ]
)
