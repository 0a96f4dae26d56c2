// Linear: y (N,O) = x (N,In) · W^T + b, as torch.nn.Linear; the output head of every model.
using System.Numerics;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>Affine layer (torch.nn.Linear): parameters <c>{prefix}weight</c> (O, In) and <c>{prefix}bias</c> (O).</summary>
public sealed class Linear<T> : IOutputLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;

    /// <summary>Registers the weight and bias in <paramref name="store"/>.</summary>
    public Linear(ParameterStore<T> store, string prefix, int inputSize, int outputSize)
    {
        if (inputSize <= 0) throw new ArgumentException($"inputSize must be positive, got {inputSize}.", nameof(inputSize));
        if (outputSize <= 0) throw new ArgumentException($"outputSize must be positive, got {outputSize}.", nameof(outputSize));
        _store = store;
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = store.Add(prefix + "weight", ParameterRole.Weight, outputSize, inputSize);
        Bias = store.Add(prefix + "bias", ParameterRole.Bias, outputSize);
    }

    /// <summary>Features in.</summary>
    public int InputSize { get; }
    /// <summary>Features out.</summary>
    public int OutputSize { get; }
    /// <summary>(O, In) weight.</summary>
    public Parameter Weight { get; }
    /// <summary>(O) bias.</summary>
    public Parameter Bias { get; }

    /// <summary>y (rows, O) = x (rows, In) · W^T + b.</summary>
    public void Forward(ReadOnlySpan<T> x, int rows, Span<T> y)
    {
        Gemm.BroadcastRows(_store.Value(Bias), rows, OutputSize, y);
        Gemm.Multiply(Op.None, Op.Transpose, rows, OutputSize, InputSize, x, InputSize, _store.Value(Weight), InputSize,
            y, OutputSize, accumulate: true);
    }

    /// <summary>dW += dy^T·x, db += Σ dy, and dx (rows, In) = dy·W (written, not added; skipped when empty).</summary>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, Span<T> dx)
    {
        Gemm.Multiply(Op.Transpose, Op.None, OutputSize, InputSize, rows, dy, OutputSize, x, InputSize,
            _store.Gradient(Weight), InputSize, accumulate: true);
        Gemm.AddRowsInto(dy, rows, OutputSize, _store.Gradient(Bias));
        if (!dx.IsEmpty)
            Gemm.Multiply(Op.None, Op.None, rows, InputSize, OutputSize, dy, OutputSize, _store.Value(Weight), InputSize,
                dx, InputSize, accumulate: false);
    }
}
