import Foundation

/// AdamW (Loshchilov & Hutter) as torch.optim.AdamW: decoupled weight decay, bias-corrected
/// moments. Norm gains are not decayed. Moments live in two buffers shaped like the parameters.
///
///     let optimizer = AdamW(model: model, learningRate: 3e-4, weightDecay: 0.1)
///     model.zeroGradients(); _ = try model.forward(…, targets: t); try model.backward()
///     optimizer.update(model, learningRate: schedule(step))
public final class AdamW {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public internal(set) var stepCount = 0
    let firstMoment: FloatBuffer
    let secondMoment: FloatBuffer

    public init(model: DecoderModel, learningRate: Float = 3e-4, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoment = FloatBuffer(count: model.layout.totalCount)
        secondMoment = FloatBuffer(count: model.layout.totalCount)
    }

    /// One optimisation step from the model's current gradients.
    public func update(_ model: DecoderModel, learningRate: Float? = nil) {
        guard let gradients = model.gradients else { return }
        stepCount += 1
        let lr = learningRate ?? self.learningRate
        let correction1 = 1 - pow(beta1, Float(stepCount))
        let correction2 = 1 - pow(beta2, Float(stepCount))
        let p = model.parameters.pointer, g = gradients.pointer
        let m = firstMoment.pointer, v = secondMoment.pointer
        let beta1 = beta1, beta2 = beta2, epsilon = epsilon, weightDecay = weightDecay
        let tensors = model.layout.tensors, total = model.layout.totalCount
        // Element-wise, so splitting the buffer across the cores changes no result.
        let cores = ComputeThreads.count
        parallelChunks(cores, work: total * 8) { chunk in
            let range = chunkRange(chunk, of: cores, total: total)
            for tensor in tensors {
                let lower = max(tensor.offset, range.lowerBound), upper = min(tensor.offset + tensor.count, range.upperBound)
                guard lower < upper else { continue }
                let decay: Float = ParameterLayout.isNorm(tensor) ? 1 : 1 - lr * weightDecay
                for i in lower..<upper {
                    m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                    let step = (m[i] / correction1) / ((v[i] / correction2).squareRoot() + epsilon)
                    p[i] = p[i] * decay - lr * step
                }
            }
        }
    }
}
