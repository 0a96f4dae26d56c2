// IOutputLayer: what SequenceModel needs of its head — the untied Linear or the weight-tied TiedHead.
using System.Numerics;

namespace Recurrent.Layers;

/// <summary>A model's output layer: y (rows, O) from x (rows, In), and its backward.</summary>
internal interface IOutputLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y (rows, O) from x (rows, In).</summary>
    void Forward(ReadOnlySpan<T> x, int rows, Span<T> y);

    /// <summary>Adds the parameter gradients; writes dx (rows, In) unless empty. x is the input of the last Forward.</summary>
    void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, Span<T> dx);
}
