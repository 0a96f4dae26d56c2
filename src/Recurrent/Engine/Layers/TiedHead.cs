// TiedHead: the output layer of a weight-tied language model (Press & Wolf 2016, "Using the Output Embedding to
// Improve Language Models"; Inan et al. 2016): logits y (N,V) = p · E^T + b, where E (V,Ein) is the embedding
// table itself (one parameter, two uses) and p (N,Ein) is the top hidden state x (N,In) — or, when In ≠ Ein, its
// projection p = x · P^T by a learned P (Ein, In) without bias ({prefix}proj.weight). The table's gradient is the
// sum of both uses: this layer adds dE += dy^T · p and the embedding lookup adds its scatter into the same slice.
using System.Numerics;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>A head whose weight is the embedding table: parameters <c>{prefix}proj.weight</c> (E, In) when In ≠ E, and <c>{prefix}bias</c> (V).</summary>
public sealed class TiedHead<T> : IOutputLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;
    private T[] _p = [];    // (N, E) projected input of the last forward (with a projection)
    private T[] _dp = [];   // (N, E) its gradient

    /// <summary>Registers the projection (when <paramref name="inputSize"/> ≠ the table's width) and the bias; <paramref name="table"/> is the (V, E) embedding weight.</summary>
    public TiedHead(ParameterStore<T> store, string prefix, Parameter table, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(table);
        if (inputSize <= 0) throw new ArgumentException($"inputSize must be positive, got {inputSize}.", nameof(inputSize));
        if (table.Shape.Length != 2) throw new ArgumentException($"table must be a (V, E) matrix, got {table.ShapeText}.", nameof(table));
        _store = store;
        Table = table;
        InputSize = inputSize;
        OutputSize = table.Shape[0];
        Width = table.Shape[1];
        Projection = inputSize == Width ? null : store.Add(prefix + "proj.weight", ParameterRole.Weight, Width, inputSize);
        Bias = store.Add(prefix + "bias", ParameterRole.Bias, OutputSize);
    }

    /// <summary>Features in (the top layer's width D·H).</summary>
    public int InputSize { get; }
    /// <summary>Logits out (the vocabulary V).</summary>
    public int OutputSize { get; }
    /// <summary>The embedding width E.</summary>
    public int Width { get; }
    /// <summary>The shared (V, E) embedding table.</summary>
    public Parameter Table { get; }
    /// <summary>(E, In) projection, or null when In = E.</summary>
    public Parameter? Projection { get; }
    /// <summary>(V) bias.</summary>
    public Parameter Bias { get; }

    /// <summary>y (rows, V) = (x · P^T) · E^T + b, or x · E^T + b without a projection.</summary>
    public void Forward(ReadOnlySpan<T> x, int rows, Span<T> y)
    {
        ReadOnlySpan<T> p = Project(x, rows);
        Gemm.BroadcastRows(_store.Value(Bias), rows, OutputSize, y);
        Gemm.Multiply(Op.None, Op.Transpose, rows, OutputSize, Width, p, Width, _store.Value(Table), Width,
            y, OutputSize, accumulate: true);
    }

    /// <summary>dE += dy^T·p, db += Σ dy; with a projection dP += (dy·E)^T·x and dx = dy·E·P, else dx = dy·E (written, skipped when empty).</summary>
    public void Backward(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int rows, Span<T> dx)
    {
        ReadOnlySpan<T> p = Projection is null ? x : _p.AsSpan(0, rows * Width);
        Gemm.Multiply(Op.Transpose, Op.None, OutputSize, Width, rows, dy, OutputSize, p, Width,
            _store.Gradient(Table), Width, accumulate: true);
        Gemm.AddRowsInto(dy, rows, OutputSize, _store.Gradient(Bias));
        if (Projection is null)
        {
            if (!dx.IsEmpty)
                Gemm.Multiply(Op.None, Op.None, rows, Width, OutputSize, dy, OutputSize, _store.Value(Table), Width,
                    dx, Width, accumulate: false);
            return;
        }
        if (_dp.Length < rows * Width) _dp = new T[rows * Width];
        Span<T> dp = _dp.AsSpan(0, rows * Width);                 // (N, E) = dy · E
        Gemm.Multiply(Op.None, Op.None, rows, Width, OutputSize, dy, OutputSize, _store.Value(Table), Width,
            dp, Width, accumulate: false);
        Gemm.Multiply(Op.Transpose, Op.None, Width, InputSize, rows, dp, Width, x, InputSize,
            _store.Gradient(Projection), InputSize, accumulate: true);
        if (!dx.IsEmpty)
            Gemm.Multiply(Op.None, Op.None, rows, InputSize, Width, dp, Width, _store.Value(Projection), InputSize,
                dx, InputSize, accumulate: false);
    }

    /// <summary>
    /// The equivalent untied weight W (V, In): E when In = E, else E · P — what an exporter or a step-by-step
    /// sampler may use in place of the two products (the logits are the same up to rounding).
    /// </summary>
    public T[] EffectiveWeight()
    {
        var w = new T[OutputSize * InputSize];
        if (Projection is null) _store.Value(Table).CopyTo(w);
        else
            Gemm.Multiply(Op.None, Op.None, OutputSize, InputSize, Width, _store.Value(Table), Width,
                _store.Value(Projection), InputSize, w, InputSize, accumulate: false);
        return w;
    }

    private ReadOnlySpan<T> Project(ReadOnlySpan<T> x, int rows)
    {
        if (Projection is null) return x;
        if (_p.Length < rows * Width) _p = new T[rows * Width];
        Span<T> p = _p.AsSpan(0, rows * Width);                   // (N, E) = x · P^T
        Gemm.Multiply(Op.None, Op.Transpose, rows, Width, InputSize, x, InputSize, _store.Value(Projection), InputSize,
            p, Width, accumulate: false);
        return p;
    }
}
