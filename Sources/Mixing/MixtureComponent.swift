import Foundation

/// One component of a mixture: where its items come from, and how much of them to take.
///
/// The paper's recipes, as `ipt mix create --component` specs:
///
///     // From scratch: the augmented texts of synthesis run 3 (1/5 of the raw texts were
///     // sent to it), the other raw texts, and the synthesizer's fine-tuning data ×4.
///     try MixtureComponent.parse("augmented:run=3")
///     try MixtureComponent.parse("raw:source=web,exclude-run=3")
///     try MixtureComponent.parse("instructions:set=synth-tasks,repeat=4")
///     // Continual: all domain texts converted, plus general instructions.
///     try MixtureComponent.parse("augmented:run=5")
///     try MixtureComponent.parse("instructions:set=general")
public struct MixtureComponent: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable { case raw, augmented, instructions }

    public var kind: Kind
    /// raw: only texts of this source (nil: every source).
    public var source: String?
    /// raw: only texts of this split (nil: both).
    public var split: String?
    /// augmented: the synthesis run whose augmented texts to take.
    public var runId: Int64?
    /// augmented: only texts templified with this seed (nil: every seed).
    public var augmentedSeed: Int64?
    /// raw: leave out texts that an augmented text of this synthesis run contains.
    public var excludeAugmentedRun: Int64?
    /// instructions: the instruction set's name.
    public var instructionSet: String?
    /// A seeded fraction (0, 1] of the component's items.
    public var ratio: Double = 1
    /// How many times the (selected) items appear.
    public var repeatCount: Int = 1

    public init(kind: Kind) { self.kind = kind }

    /// Parses `KIND[:key=value,...]`, keys: source, split, run, seed, exclude-run, set, ratio, repeat.
    public static func parse(_ spec: String) throws(MixingError) -> MixtureComponent {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard let kindName = parts.first, let kind = Kind(rawValue: kindName) else {
            throw .badComponent(spec: spec, reason: "starts with raw, augmented or instructions")
        }
        var component = MixtureComponent(kind: kind)
        let settings = parts.count > 1 ? parts[1].split(separator: ",").map(String.init) : []
        for setting in settings {
            let pair = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, !pair[1].isEmpty else { throw .badComponent(spec: spec, reason: "\"\(setting)\" should be key=value") }
            let (key, value) = (pair[0], pair[1])
            func integer() throws(MixingError) -> Int64 {
                guard let n = Int64(value) else { throw .badComponent(spec: spec, reason: "\(key) takes an integer, not \"\(value)\"") }
                return n
            }
            switch key {
            case "source": component.source = value
            case "split":
                guard value == "train" || value == "heldout" else { throw .badComponent(spec: spec, reason: "split is train or heldout") }
                component.split = value
            case "run": component.runId = try integer()
            case "seed": component.augmentedSeed = try integer()
            case "exclude-run": component.excludeAugmentedRun = try integer()
            case "set": component.instructionSet = value
            case "ratio":
                guard let ratio = Double(value), ratio > 0, ratio <= 1 else { throw .badComponent(spec: spec, reason: "ratio is a number in (0, 1]") }
                component.ratio = ratio
            case "repeat":
                guard let count = Int(value), count >= 1 else { throw .badComponent(spec: spec, reason: "repeat is an integer ≥ 1") }
                component.repeatCount = count
            default:
                throw .badComponent(spec: spec, reason: "unknown key \"\(key)\" (source, split, run, seed, exclude-run, set, ratio, repeat)")
            }
        }
        try component.validate(spec: spec)
        return component
    }

    func validate(spec: String) throws(MixingError) {
        switch kind {
        case .raw:
            if runId != nil || augmentedSeed != nil || instructionSet != nil { throw .badComponent(spec: spec, reason: "raw takes source, split, exclude-run, ratio, repeat") }
        case .augmented:
            if runId == nil { throw .badComponent(spec: spec, reason: "augmented needs run=ID (a synthesis run)") }
            if source != nil || split != nil || excludeAugmentedRun != nil || instructionSet != nil { throw .badComponent(spec: spec, reason: "augmented takes run, seed, ratio, repeat") }
        case .instructions:
            if instructionSet == nil { throw .badComponent(spec: spec, reason: "instructions needs set=NAME") }
            if source != nil || split != nil || runId != nil || augmentedSeed != nil || excludeAugmentedRun != nil { throw .badComponent(spec: spec, reason: "instructions takes set, ratio, repeat") }
        }
    }

    /// The spec string `parse` reads back.
    public var spec: String {
        var settings: [String] = []
        if let source { settings.append("source=\(source)") }
        if let split { settings.append("split=\(split)") }
        if let runId { settings.append("run=\(runId)") }
        if let augmentedSeed { settings.append("seed=\(augmentedSeed)") }
        if let excludeAugmentedRun { settings.append("exclude-run=\(excludeAugmentedRun)") }
        if let instructionSet { settings.append("set=\(instructionSet)") }
        if ratio != 1 { settings.append("ratio=\(ratio)") }
        if repeatCount != 1 { settings.append("repeat=\(repeatCount)") }
        return settings.isEmpty ? kind.rawValue : kind.rawValue + ":" + settings.joined(separator: ",")
    }
}

/// Bad mixture, snapshot or export input, with what to do about it.
///
///     catch let error as MixingError { print(error.localizedDescription) }
public enum MixingError: Error, LocalizedError, Equatable {
    case badComponent(spec: String, reason: String)
    case mixtureExists(name: String)
    case unknownMixture(name: String)
    case unknownInstructionSet(name: String)
    case unknownSnapshot(id: Int64)
    case emptyMixture(name: String)
    case tooFewTokens(snapshot: String, tokens: Int, sequenceLength: Int)
    case tokenOutOfRange(id: Int32, vocabSize: Int)
    case tooManyTokens(tokens: Int, maximum: Int)
    case verificationFailed(snapshot: Int64, reason: String)
    case writeFailed(path: String, reason: String)
    case malformedExport(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .badComponent(let spec, let reason): return "component \"\(spec)\": \(reason)."
        case .mixtureExists(let name): return "mixture \"\(name)\" already exists; mixtures are immutable, choose another name."
        case .unknownMixture(let name): return "no mixture \"\(name)\"; create it with `ipt mix create`."
        case .unknownInstructionSet(let name): return "no instruction set \"\(name)\"; ingest it with `ipt ingest-instructions --name \(name)`."
        case .unknownSnapshot(let id): return "no snapshot \(id); list them with `ipt sql 'SELECT id, manifest_sha256 FROM snapshots'`."
        case .emptyMixture(let name): return "mixture \"\(name)\" selects no items; check its components against the database."
        case .tooFewTokens(let snapshot, let tokens, let length): return "\(snapshot): \(tokens) tokens do not fill one sequence of \(length); use a shorter --seq-len or more data."
        case .tokenOutOfRange(let id, let vocab): return "token id \(id) is outside the vocabulary 0..<\(vocab)."
        case .tooManyTokens(let tokens, let maximum): return "the snapshot packs \(tokens) tokens, but one database value holds at most \(maximum) (SQLite's 1 GB limit); select fewer items (a lower ratio or repeat) or split the mixture."
        case .verificationFailed(let snapshot, let reason): return "snapshot \(snapshot) does not verify: \(reason)."
        case .writeFailed(let path, let reason): return "\(path): cannot write (\(reason))."
        case .malformedExport(let path, let reason): return "\(path): \(reason)."
        }
    }
}
