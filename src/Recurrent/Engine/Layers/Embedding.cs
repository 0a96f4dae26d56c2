// Embedding: token ids (T,B) → vectors (T,B,E) by row lookup in a (V,E) table, as torch.nn.Embedding.
// Backward scatter-adds the output gradient into the looked-up rows.
using System.Numerics;
using Recurrent.Tensors;
using System.Runtime.CompilerServices;

namespace Recurrent.Layers;

/// <summary>Token-id lookup table (torch.nn.Embedding); parameter <c>{prefix}weight</c> of shape (V, E).</summary>
public sealed class Embedding<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParameterStore<T> _store;

    /// <summary>Registers <c>{prefix}weight</c> (vocabularySize, dimension).</summary>
    public Embedding(ParameterStore<T> store, string prefix, int vocabularySize, int dimension)
    {
        if (vocabularySize <= 0) throw new ArgumentException($"vocabularySize must be positive, got {vocabularySize}.", nameof(vocabularySize));
        if (dimension <= 0) throw new ArgumentException($"dimension must be positive, got {dimension}.", nameof(dimension));
        _store = store;
        VocabularySize = vocabularySize;
        Dimension = dimension;
        Weight = store.Add(prefix + "weight", ParameterRole.Weight, vocabularySize, dimension);
    }

    /// <summary>Number of token ids (rows of the table).</summary>
    public int VocabularySize { get; }
    /// <summary>Vector size (columns of the table).</summary>
    public int Dimension { get; }
    /// <summary>The (V, E) table.</summary>
    public Parameter Weight { get; }

    /// <summary>output (N, E) = table[ids] for N = ids.Length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public void Forward(ReadOnlySpan<int> ids, Span<T> output)
    {
        InputChecks.TokenIds(ids, VocabularySize);
        ReadOnlySpan<T> w = _store.Value(Weight);
        int e = Dimension;
        for (int n = 0; n < ids.Length; n++) w.Slice(ids[n] * e, e).CopyTo(output.Slice(n * e, e));
    }

    /// <summary>dTable[ids[n]] += dOutput[n] for the rows in [firstRow, N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<T> dOutput, int firstRow = 0)
    {
        Span<T> dw = _store.Gradient(Weight);
        int e = Dimension;
        for (int n = firstRow; n < ids.Length; n++)
            Kernels.Gemm.Axpy(T.One, dOutput.Slice(n * e, e), dw.Slice(ids[n] * e, e));
    }
}
