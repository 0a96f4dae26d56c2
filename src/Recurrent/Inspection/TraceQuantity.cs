// TraceQuantity: the per-unit values an activation trace records at each position of a text — the hidden state h,
// the LSTM cell state c and each gate after its activation (LSTM i, f, g, o; GRU r, z, n). Their short names are
// the ones the CLI's --quantity takes and the inspection page shows; which of them a cell has is ForCell's list.
using Recurrent.Layers;

namespace Recurrent.Inspection;

/// <summary>One recorded quantity of a recurrent layer (one value per hidden unit and position).</summary>
public enum TraceQuantity
{
    /// <summary>h_t, the layer's output.</summary>
    Hidden,
    /// <summary>c_t, the LSTM cell state (unbounded).</summary>
    Cell,
    /// <summary>LSTM input gate i_t.</summary>
    InputGate,
    /// <summary>LSTM forget gate f_t.</summary>
    ForgetGate,
    /// <summary>LSTM cell candidate g_t (the cell activation, tanh by default).</summary>
    Candidate,
    /// <summary>LSTM output gate o_t.</summary>
    OutputGate,
    /// <summary>GRU reset gate r_t.</summary>
    ResetGate,
    /// <summary>GRU update gate z_t.</summary>
    UpdateGate,
    /// <summary>GRU new-state candidate n_t.</summary>
    NewGate,
}

/// <summary>Names and per-cell lists of <see cref="TraceQuantity"/>.</summary>
public static class TraceQuantities
{
    /// <summary>The quantities a cell of this kind has, in the order a trace stores them: h first, then c, then the
    /// gates in PyTorch's order (LSTM i,f,g,o; GRU r,z,n).</summary>
    public static IReadOnlyList<TraceQuantity> ForCell(CellKind kind) => kind switch
    {
        CellKind.Lstm => [TraceQuantity.Hidden, TraceQuantity.Cell, TraceQuantity.InputGate, TraceQuantity.ForgetGate, TraceQuantity.Candidate, TraceQuantity.OutputGate],
        CellKind.Gru => [TraceQuantity.Hidden, TraceQuantity.ResetGate, TraceQuantity.UpdateGate, TraceQuantity.NewGate],
        _ => [TraceQuantity.Hidden],
    };

    /// <summary>The short name: h, c, i, f, g, o, r, z, n.</summary>
    public static string Name(this TraceQuantity q) => q switch
    {
        TraceQuantity.Hidden => "h",
        TraceQuantity.Cell => "c",
        TraceQuantity.InputGate => "i",
        TraceQuantity.ForgetGate => "f",
        TraceQuantity.Candidate => "g",
        TraceQuantity.OutputGate => "o",
        TraceQuantity.ResetGate => "r",
        TraceQuantity.UpdateGate => "z",
        TraceQuantity.NewGate => "n",
        _ => throw new ArgumentOutOfRangeException(nameof(q), q, null),
    };

    /// <summary>True for the sigmoid-type gates, whose values lie in [0, 1] (i, f, o, r, z).</summary>
    public static bool IsGate(this TraceQuantity q) =>
        q is TraceQuantity.InputGate or TraceQuantity.ForgetGate or TraceQuantity.OutputGate or TraceQuantity.ResetGate or TraceQuantity.UpdateGate;

    /// <summary>The quantity with this short name, or null.</summary>
    public static TraceQuantity? Parse(string name)
    {
        foreach (TraceQuantity q in Enum.GetValues<TraceQuantity>())
            if (string.Equals(q.Name(), name, StringComparison.Ordinal)) return q;
        return null;
    }

    // Where a gate's block starts in a row of post-activation gates (GH = gates·H): LSTM i,f,g,o and GRU r,z,n.
    internal static int GateBlock(this TraceQuantity q) => q switch
    {
        TraceQuantity.InputGate or TraceQuantity.ResetGate => 0,
        TraceQuantity.ForgetGate or TraceQuantity.UpdateGate => 1,
        TraceQuantity.Candidate or TraceQuantity.NewGate => 2,
        TraceQuantity.OutputGate => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(q), q, "h and c are not gates."),
    };
}
