import Foundation
import JSONLines

/// A safetensors file opened for reading: 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw data. F32, F16 and BF16
/// tensors are decoded to Float.
///
///     let file = try SafetensorsFile(path: "model.safetensors")
///     var gains = [Float](repeating: 0, count: 256)
///     try gains.withUnsafeMutableBufferPointer { try file.read("model.norm.weight", shape: [256], into: $0.baseAddress!) }
public struct SafetensorsFile {
    public struct Entry: Equatable, Sendable {
        public var dtype: String
        public var shape: [Int]
        public var range: Range<Int>
    }

    public let path: String
    public private(set) var entries: [String: Entry] = [:]
    private let data: Data
    private let dataStart: Int

    public init(path: String) throws(ModelError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        guard data.count >= 8 else { throw .malformedSafetensors(path: path, reason: "file is \(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw .malformedSafetensors(path: path, reason: "header length \(headerLength) exceeds the file size \(data.count) (truncated file?)")
        }
        dataStart = 8 + Int(headerLength)
        let header: JSONValue
        do { header = try data.withUnsafeBytes { raw in try JSONParser.parse(bytes: UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[8..<dataStart])) } } catch let error as JSONParser.SyntaxError {
            throw .malformedSafetensors(path: path, reason: "header JSON invalid at byte \(error.offset + 8): \(error.message)")
        } catch {
            throw .malformedSafetensors(path: path, reason: "\(error)")
        }
        guard case .object(let members) = header else { throw .malformedSafetensors(path: path, reason: "header is not a JSON object") }
        let dataSize = data.count - dataStart
        for (name, value) in members where name != "__metadata__" {
            guard let dtype = value["dtype"]?.stringValue,
                  let shape = value["shape"]?.arrayValue?.map({ $0.intValue ?? -1 }),
                  let offsets = value["data_offsets"]?.arrayValue?.compactMap(\.intValue), offsets.count == 2
            else { throw .malformedSafetensors(path: path, reason: "tensor \"\(name)\": entry needs dtype, shape and data_offsets") }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw .malformedSafetensors(path: path, reason: "tensor \"\(name)\": negative shape or bad data_offsets \(offsets)")
            }
            guard offsets[1] <= dataSize else {
                throw .malformedSafetensors(path: path, reason: "tensor \"\(name)\": data ends at \(offsets[1]) but the file holds \(dataSize) data bytes (truncated file?)")
            }
            // Element counts from a hostile header could overflow Int; such a shape is malformed too.
            var elements = 1
            for dimension in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                if overflow || product > dataSize { throw .malformedSafetensors(path: path, reason: "tensor \"\(name)\": shape \(shape) is larger than the file") }
                elements = product
            }
            if let size = Self.elementSize(dtype), offsets[1] - offsets[0] != elements * size {
                throw .malformedSafetensors(path: path, reason: "tensor \"\(name)\": \(offsets[1] - offsets[0]) bytes do not hold shape \(shape) of \(dtype)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        // As the safetensors library (and so transformers) requires: the tensors' byte ranges
        // tile the data section in order, with no gap, overlap or trailing bytes. Shifted or
        // overlapping offsets would otherwise load as silently wrong weights.
        var end = 0
        for (name, entry) in entries.sorted(by: { ($0.value.range.lowerBound, $0.value.range.upperBound) < ($1.value.range.lowerBound, $1.value.range.upperBound) }) {
            guard entry.range.lowerBound == end else {
                let problem = entry.range.lowerBound < end ? "overlaps the tensor before it (which ends at \(end))" : "leaves a gap after byte \(end)"
                throw .malformedSafetensors(path: path, reason: "tensor \"\(name)\": data_offsets \([entry.range.lowerBound, entry.range.upperBound]) \(problem)")
            }
            end = entry.range.upperBound
        }
        guard end == dataSize else {
            throw .malformedSafetensors(path: path, reason: "the tensors' data ends at byte \(end) of \(dataSize) data bytes (trailing bytes)")
        }
    }

    static func elementSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "F64", "I64", "U64": return 8
        case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2": return 1
        default: return nil
        }
    }

    /// Decodes tensor `name` into `destination` as Float after checking its shape.
    public func read(_ name: String, shape: [Int], into destination: UnsafeMutablePointer<Float>) throws(ModelError) {
        guard let entry = entries[name] else { throw .missingTensor(path: path, tensor: name) }
        guard entry.shape == shape else { throw .shapeMismatch(path: path, tensor: name, expected: shape, found: entry.shape) }
        let count = shape.reduce(1, *)
        let start = dataStart + entry.range.lowerBound
        switch entry.dtype {
        case "F32":
            data.withUnsafeBytes { raw in
                for i in 0..<count { destination[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self))) }
            }
        case "F16":
            data.withUnsafeBytes { raw in
                for i in 0..<count { destination[i] = Float(halfBits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))) }
            }
        case "BF16":
            data.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: start + 2 * i, as: UInt16.self))
                    destination[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            }
        default:
            throw .unsupportedDType(path: path, tensor: name, dtype: entry.dtype)
        }
    }

    /// Writes float32 tensors as a safetensors file (atomically), in the order given.
    public static func write(path: String, tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)]) throws(ModelError) {
        var header = JSONWriter()
        var offset = 0
        header.object { o in
            o.member("__metadata__") { json in json.object { m in m.member("format") { $0.string("pt") } } }
            for tensor in tensors {
                let end = offset + 4 * tensor.values.count
                let begin = offset
                o.member(tensor.name) { json in
                    json.object { t in
                        t.member("dtype") { $0.string("F32") }
                        t.member("shape") { $0.array(ofIntegers: tensor.shape) }
                        t.member("data_offsets") { $0.array(ofIntegers: [begin, end]) }
                    }
                }
                offset = end
            }
        }
        var headerBytes = header.bytes
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }  // Keeps the data 8-byte aligned, as the format suggests.
        var prefix = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
        prefix += headerBytes
        try AtomicFile.write(to: path) { (fd: Int32) throws(ModelError) in
            let result: Result<Void, ModelError> = prefix.withUnsafeBytes { raw in Result { () throws(ModelError) in try AtomicFile.writeAll(fd, raw, path: path) } }
            try result.get()
            for tensor in tensors {
                // Little-endian hosts (x86_64, arm64) store Float exactly as safetensors does.
                try AtomicFile.writeAll(fd, UnsafeRawBufferPointer(tensor.values), path: path)
            }
        }
    }
}

extension Float {
    /// Decodes an IEEE 754 half-precision bit pattern (subnormals, infinities and NaN included).
    init(halfBits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            self = sign != 0 ? -magnitude : magnitude
        } else if exponent == 31 {
            self = Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        } else {
            self = Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }
}
