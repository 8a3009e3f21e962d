import Foundation
import JSONLines

/// Loading and saving a model directory in transformers' layout: `config.json` plus
/// `model.safetensors`, or shards listed in `model.safetensors.index.json`.
///
///     let model = try DecoderModel.load(directory: "models/small")
///     try model.save(directory: "out/small-copy")                       // one file
///     try model.save(directory: "out/sharded", maxShardBytes: 50 << 20)  // shards + index
extension DecoderModel {
    public static func load(directory: String) throws(ModelError) -> DecoderModel {
        let config = try ModelConfig.load(path: directory + "/config.json")
        let model = try DecoderModel(config: config)
        try model.loadWeights(directory: directory)
        return model
    }

    /// Reads every tensor of the layout from the directory's safetensors file(s).
    public func loadWeights(directory: String) throws(ModelError) {
        let indexPath = directory + "/model.safetensors.index.json"
        let singlePath = directory + "/model.safetensors"
        var fileOfTensor: [String: String] = [:]
        if !FileManager.default.fileExists(atPath: singlePath) && FileManager.default.fileExists(atPath: indexPath) {
            fileOfTensor = try Self.readIndex(path: indexPath, directory: directory)
        } else if !FileManager.default.fileExists(atPath: singlePath) {
            throw .fileNotFound(path: singlePath)
        }
        var openFiles: [String: SafetensorsFile] = [:]
        for tensor in layout.tensors {
            let path = fileOfTensor.isEmpty ? singlePath : (fileOfTensor[tensor.name] ?? "")
            if path.isEmpty { throw .missingTensor(path: indexPath, tensor: tensor.name) }
            if openFiles[path] == nil { openFiles[path] = try SafetensorsFile(path: path) }
            guard let file = openFiles[path] else { continue }
            try file.read(tensor.name, shape: tensor.shape, into: parameters.pointer + tensor.offset)
        }
    }

    static func readIndex(path: String, directory: String) throws(ModelError) -> [String: String] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(line: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        } catch let error as JSONParser.SyntaxError {
            throw .malformedConfig(path: path, field: "(file)", reason: "invalid JSON at byte \(error.offset): \(error.message)")
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        guard case .object(let members)? = json["weight_map"] else {
            throw .malformedConfig(path: path, field: "weight_map", reason: "missing or not an object")
        }
        var map: [String: String] = [:]
        for (name, file) in members {
            guard let fileName = file.stringValue, !fileName.contains("/") else {
                throw .malformedConfig(path: path, field: "weight_map.\(name)", reason: "expected a file name in the same directory")
            }
            map[name] = directory + "/" + fileName
        }
        return map
    }

    /// Writes `config.json` and float32 weights; above `maxShardBytes` the weights are split
    /// into `model-0000i-of-0000n.safetensors` with an index, as transformers does.
    public func save(directory: String, maxShardBytes: Int? = nil) throws(ModelError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(path: directory, reason: error.localizedDescription)
        }
        try config.write(path: directory + "/config.json")
        var shards: [[ParameterLayout.Tensor]] = [[]]
        var shardBytes = 0
        for tensor in layout.tensors {
            if let limit = maxShardBytes, shardBytes > 0, shardBytes + 4 * tensor.count > limit {
                shards.append([])
                shardBytes = 0
            }
            shards[shards.count - 1].append(tensor)
            shardBytes += 4 * tensor.count
        }
        func views(_ tensors: [ParameterLayout.Tensor]) -> [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] {
            tensors.map { ($0.name, $0.shape, UnsafeBufferPointer(start: parameters.pointer + $0.offset, count: $0.count)) }
        }
        let singlePath = directory + "/model.safetensors"
        let indexPath = directory + "/model.safetensors.index.json"
        if shards.count == 1 {
            try SafetensorsFile.write(path: singlePath, tensors: views(shards[0]))
            try? FileManager.default.removeItem(atPath: indexPath)
            return
        }
        var weightMap: [(String, String)] = []
        for (index, shard) in shards.enumerated() {
            let name = String(format: "model-%05d-of-%05d.safetensors", index + 1, shards.count)
            try SafetensorsFile.write(path: directory + "/" + name, tensors: views(shard))
            weightMap += shard.map { ($0.name, name) }
        }
        var out = JSONWriter()
        out.object { o in
            o.member("metadata") { json in json.object { m in m.member("total_size") { $0.integer(4 * layout.totalCount) } } }
            o.member("weight_map") { json in json.object { m in for (tensor, file) in weightMap { m.member(tensor) { $0.string(file) } } } }
        }
        try AtomicFile.write(out.bytes + [0x0A], to: indexPath)
        try? FileManager.default.removeItem(atPath: singlePath)
    }
}
