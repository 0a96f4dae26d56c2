// RnnActivation: the nonlinearity of a vanilla RNN layer in the fluent builder (tanh or ReLU, as nn.RNN's nonlinearity;
// softsign, as ONNX's RNN activations and DL4J).
namespace Recurrent.Api;

/// <summary>Nonlinearity of a vanilla (Elman) RNN, as PyTorch's <c>nn.RNN(nonlinearity=...)</c>.</summary>
public enum RnnActivation
{
    /// <summary>h' = tanh(W_ih x + b_ih + W_hh h + b_hh).</summary>
    Tanh,
    /// <summary>h' = relu(W_ih x + b_ih + W_hh h + b_hh) (IRNN, Le et al. 2015, with identity recurrent init).</summary>
    Relu,
    /// <summary>h' = softsign(W_ih x + b_ih + W_hh h + b_hh), softsign(x) = x / (1 + |x|): <see cref="Layers.CellKind.RnnTanh"/> with <see cref="Layers.CellActivation.Softsign"/>.</summary>
    Softsign,
}
