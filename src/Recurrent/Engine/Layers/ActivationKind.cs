// ActivationKind: the range an activation's values live in, which says what "saturated" means for it in the training
// statistics — a gate (sigmoid, hard sigmoid: [0, 1]; saturated below 0.05 or above 0.95), a squashed value (tanh,
// softsign outputs, the LSTM's g, the GRU's n: saturated where |x| > 0.95), or an unbounded one (the ReLU RNN's h, the
// LSTM's cell state c, which only its output function squashes: no saturation figure).
namespace Recurrent.Layers;

/// <summary>What range an activation's values have, for its saturation figure.</summary>
public enum ActivationKind
{
    /// <summary>Values squashed into (−1, 1) (tanh, softsign); saturated where |x| &gt; 0.95.</summary>
    Squashed,
    /// <summary>Gate values in [0, 1] (sigmoid, hard sigmoid); saturated below 0.05 or above 0.95.</summary>
    Gate,
    /// <summary>Values without bounds (ReLU outputs, the LSTM cell state); no saturation figure.</summary>
    Unbounded,
}
