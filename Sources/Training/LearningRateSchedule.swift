import Foundation

/// nanoGPT's schedule: linear warmup to the peak, then cosine decay to `peak * minRatio` at the
/// last step. `step` counts from 0.
///
///     let lr = learningRate(step: 5, config: config)
public func learningRate(step: Int, config: TrainConfig) -> Float {
    let peak = config.learningRate, floor = peak * config.minLearningRateRatio
    if step < config.warmupSteps { return peak * Float(step + 1) / Float(config.warmupSteps) }
    let decaySteps = max(config.steps - config.warmupSteps, 1)
    let progress = min(Float(step - config.warmupSteps) / Float(decaySteps), 1)
    return floor + 0.5 * (1 + cos(Float.pi * progress)) * (peak - floor)
}
