// CellActivation: the non-linearity of a cell's input and output — DL4J's `activation` of GravesLSTM, ONNX's g and h
// (LSTM) or g (GRU) or f (RNN). The gates have their own, GateActivation.
namespace Recurrent.Layers;

/// <summary>
/// The squashing function of the cell candidate and output: LSTM's g and h = o⊙act(c), GRU's candidate n, and the tanh
/// Elman RNN's h (<see cref="CellKind.RnnTanh"/>; the ReLU RNN keeps ReLU). Names as ONNX's <c>activations</c> attribute.
/// </summary>
public enum CellActivation
{
    /// <summary>tanh(x), the default and PyTorch's only choice.</summary>
    Tanh,
    /// <summary>softsign(x) = x / (1 + |x|) (DL4J SOFTSIGN, ONNX Softsign): bounded like tanh, with polynomial rather than exponential tails.</summary>
    Softsign,
}
