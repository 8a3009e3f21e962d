import Foundation

// What a trainer needs beyond forward/backward/update to checkpoint and resume exactly:
// raw access to the optimizer moments and step count, gradient scaling for accumulation,
// and a fingerprint of the weights. Kept in its own file so the kernels stay untouched.

/// The optimizer's complete state: with the weights, enough to continue bit for bit.
///
///     let state = optimizer.state()
///     try optimizer.restore(state)   // later, on a fresh optimizer for the same model
public struct AdamWState: Sendable, Equatable {
    public var stepCount: Int
    public var firstMoment: [Float]
    public var secondMoment: [Float]

    public init(stepCount: Int, firstMoment: [Float], secondMoment: [Float]) {
        self.stepCount = stepCount
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }
}

extension AdamW {
    /// A copy of the step count and both moment buffers.
    public func state() -> AdamWState {
        AdamWState(stepCount: stepCount,
                   firstMoment: Array(UnsafeBufferPointer(start: firstMoment.pointer, count: firstMoment.count)),
                   secondMoment: Array(UnsafeBufferPointer(start: secondMoment.pointer, count: secondMoment.count)))
    }

    /// Replaces the step count and moments; the buffers must match the model's parameter count.
    public func restore(_ state: AdamWState) throws(ModelError) {
        guard state.firstMoment.count == firstMoment.count, state.secondMoment.count == secondMoment.count else {
            throw .invalidInput(reason: "optimizer state has \(state.firstMoment.count) values, the model \(firstMoment.count)")
        }
        stepCount = state.stepCount
        state.firstMoment.withUnsafeBufferPointer { firstMoment.pointer.update(from: $0.baseAddress!, count: $0.count) }
        state.secondMoment.withUnsafeBufferPointer { secondMoment.pointer.update(from: $0.baseAddress!, count: $0.count) }
    }
}

extension DecoderModel {
    /// Multiplies every gradient by `factor` (gradient accumulation averages micro-batches).
    public func scaleGradients(by factor: Float) {
        guard let gradients else { return }
        scale(gradients.pointer, gradients.count, by: factor)
    }

    /// All parameters in layout order, as one contiguous read-only view.
    public func withAllParameters<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: parameters.pointer, count: parameters.count))
    }
}
