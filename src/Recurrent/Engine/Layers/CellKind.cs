// CellKind: which recurrence a recurrent layer computes.
namespace Recurrent.Layers;

/// <summary>The recurrent cell of a layer. Formulations and gate orders follow PyTorch's nn.RNN, nn.LSTM and nn.GRU.</summary>
public enum CellKind
{
    /// <summary>Elman RNN, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (nn.RNN, nonlinearity='tanh').</summary>
    RnnTanh,
    /// <summary>Elman RNN with ReLU, as in IRNN (Le et al. 2015) (nn.RNN, nonlinearity='relu').</summary>
    RnnRelu,
    /// <summary>LSTM with gates i, f, g, o (nn.LSTM); optional Graves peephole connections.</summary>
    Lstm,
    /// <summary>GRU with gates r, z, n and b_hn inside the reset product (nn.GRU).</summary>
    Gru,
}

/// <summary>Facts about each <see cref="CellKind"/>.</summary>
public static class CellKindInfo
{
    /// <summary>Number of gate blocks stacked in W_ih / W_hh: 1 (RNN), 4 (LSTM), 3 (GRU).</summary>
    public static int Gates(this CellKind kind) => kind switch
    {
        CellKind.RnnTanh or CellKind.RnnRelu => 1,
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown cell kind."),
    };

    /// <summary>True for LSTM, the only cell with a memory cell state c besides h.</summary>
    public static bool HasCellState(this CellKind kind) => kind == CellKind.Lstm;
}
