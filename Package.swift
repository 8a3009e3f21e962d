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
        .target(name: "DemoWorld", dependencies: ["Randomness"]),

        // Stages.
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedSQL"]),
        .target(
            name: "Corpus",
            dependencies: [
                "Store", "JSONLines", "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // The decoder LM (Mistral/Llama) over OpenBLAS, with AVX2 decode-step kernels in C
        // (CKernels, chosen at run time); knows nothing of SQLite.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "Model",
            dependencies: ["COpenBLAS", "CKernels", "Randomness", "JSONLines"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),

        // The command line: parsing, calling a stage, printing.
        .executableTarget(
            name: "IPT",
            dependencies: [
                "Store", "Corpus", "JSONLines", "DemoWorld", "Model",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "JSONLinesTests", dependencies: ["JSONLines"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "Store", "JSONLines"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Randomness"]),
    ]
)
