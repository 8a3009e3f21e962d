/// An owned, zero-initialised, fixed-size Float allocation (parameters, gradients, activations),
/// or a view of part of one. A class so that views into it stay valid while the owner lives;
/// freed on deinit.
///
///     let buffer = FloatBuffer(count: 1024)
///     buffer.pointer[0] = 1
///     let secondHalf = FloatBuffer(viewOf: buffer, offset: 512, count: 512)
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    /// The buffer a view points into (kept alive by the view); nil for an owned allocation.
    private let base: FloatBuffer?

    init(count: Int) {
        self.count = count
        // 64-byte alignment keeps SIMD loads and BLAS panels on cache lines.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        base = nil
    }

    init(viewOf base: FloatBuffer, offset: Int, count: Int) {
        precondition(offset >= 0 && offset + count <= base.count, "view outside its buffer")
        pointer = base.pointer + offset
        self.count = count
        self.base = base
    }

    deinit { if base == nil { UnsafeMutableRawPointer(pointer).deallocate() } }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    func zero() { pointer.update(repeating: 0, count: count) }
}
