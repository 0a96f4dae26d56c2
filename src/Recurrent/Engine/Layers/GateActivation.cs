// GateActivation: the non-linearity of a cell's gates — DL4J's `gateActivationFunction` of GravesLSTM, ONNX's f of
// LSTM and GRU. The cell input and output have their own, CellActivation.
namespace Recurrent.Layers;

/// <summary>The function of the LSTM gates i, f, o and the GRU gates r, z. Names as ONNX's <c>activations</c> attribute.</summary>
public enum GateActivation
{
    /// <summary>σ(x) = 1 / (1 + e^(−x)), the default and PyTorch's only choice.</summary>
    Sigmoid,
    /// <summary>
    /// max(0, min(1, 0.2·x + 0.5)): ONNX's HardSigmoid with its default alpha 0.2 and beta 0.5, DL4J's HARDSIGMOID (not
    /// torch's nn.Hardsigmoid, whose slope is 1/6); its derivative is 0.2 inside (−2.5, 2.5) and 0 outside and at the kinks.
    /// </summary>
    HardSigmoid,
}
