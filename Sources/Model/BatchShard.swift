/// A run of consecutive sequences of one batch with what its forward and backward passes need:
/// activations, its slice of the targets and loss mask, its share of the loss and, for every
/// shard after the first, a gradient buffer of its own (the first accumulates straight into
/// the model's gradients; the others are added to them after the backward pass).
final class BatchShard {
    let sequences: Range<Int>
    let activations: Activations
    var targets: [Int32] = []
    var mask: [Float]?
    /// Σ weight · token loss and Σ weight over this shard's positions.
    var lossSum: Double = 0
    var lossWeight: Double = 0
    var gradients: FloatBuffer?

    init(sequences: Range<Int>, activations: Activations) {
        self.sequences = sequences
        self.activations = activations
    }
}
