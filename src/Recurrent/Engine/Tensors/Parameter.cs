// Parameter: a named view into the flat parameter/gradient buffers of a ParameterStore.
// It holds no data itself; the store owns one contiguous array for all values and one for all gradients.
namespace Recurrent.Tensors;

/// <summary>What a parameter is, which decides whether L1/L2 penalties apply to it.</summary>
public enum ParameterRole
{
    /// <summary>A weight matrix or vector (penalised by L1/L2).</summary>
    Weight,
    /// <summary>A bias vector (not penalised, as in DL4J's default and common practice).</summary>
    Bias,
}

/// <summary>
/// A named, shaped slice of a <see cref="ParameterStore{T}"/>. Names follow PyTorch's <c>state_dict</c>
/// (e.g. <c>rnn.weight_ih_l0</c>) so checkpoints map one-to-one to PyTorch modules.
/// </summary>
/// <param name="Name">The state_dict-style name.</param>
/// <param name="Offset">First element in the flat buffers.</param>
/// <param name="Shape">Row-major shape.</param>
/// <param name="Role">Weight or bias.</param>
public sealed record Parameter(string Name, int Offset, int[] Shape, ParameterRole Role)
{
    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public int Length { get; } = Shape.Aggregate(1, (a, b) => checked(a * b));

    /// <summary>Shape as text, e.g. <c>(28, 5)</c>.</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";
}
