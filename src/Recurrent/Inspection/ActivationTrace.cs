// ActivationTrace: what happens inside a language model's cells while it reads a text. The model runs over the
// tokens with batch 1 in inference mode, in chunks whose final state is carried into the next chunk (the same
// numbers as one forward over the whole text), and after each chunk the trace copies, for every layer, h_t, the LSTM
// cell state c_t and each gate after its activation out of the engine's buffers (RecurrentDirection.Gates/Cells), and
// the K most probable next tokens from the softmax of the head's logits. Layer-normalised and Mogrifier cells run
// through the same stack, so they are traced the same way. It is the data behind `rnn inspect`; the features it is
// compared with and the correlations are TextFeatures and UnitCorrelation. Language models have one direction, so a
// trace has one per layer. Shapes: each quantity (T, H); predictions (T, K).
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Inspection;

/// <summary>Per-position hidden states, cell states, gates and next-token predictions of a language model over a text.</summary>
public sealed class ActivationTrace
{
    private readonly float[][] _values;   // [layer * Quantities.Count + q]: (T, H)
    private readonly int[] _topTokens;    // (T, K) most probable next tokens, most probable first
    private readonly float[] _topProbs;   // (T, K) their probabilities
    private readonly float[] _nextProbs;  // (T) probability given to the token that follows (NaN at the last position)

    private ActivationTrace(CellKind cell, int layers, int hidden, int steps, int topK)
    {
        Cell = cell;
        Layers = layers;
        HiddenSize = hidden;
        Steps = steps;
        TopK = topK;
        Quantities = TraceQuantities.ForCell(cell);
        _values = new float[layers * Quantities.Count][];
        for (int i = 0; i < _values.Length; i++) _values[i] = new float[steps * hidden];
        _topTokens = new int[steps * topK];
        _topProbs = new float[steps * topK];
        _nextProbs = new float[steps];
        _nextProbs[^1] = float.NaN;
    }

    /// <summary>The traced model's cell.</summary>
    public CellKind Cell { get; }
    /// <summary>Recurrent layers traced.</summary>
    public int Layers { get; }
    /// <summary>Units per layer.</summary>
    public int HiddenSize { get; }
    /// <summary>Positions (tokens) traced, T.</summary>
    public int Steps { get; }
    /// <summary>Predictions kept per position, K.</summary>
    public int TopK { get; }
    /// <summary>The quantities recorded per layer (<see cref="TraceQuantities.ForCell"/>).</summary>
    public IReadOnlyList<TraceQuantity> Quantities { get; }

    /// <summary>Whether this trace holds <paramref name="quantity"/> (e.g. c only for LSTM).</summary>
    public bool Has(TraceQuantity quantity) => IndexOf(quantity) >= 0;

    /// <summary>The values of <paramref name="quantity"/> in layer <paramref name="layer"/> (0 = first), (T, H): position t, unit u at t·H + u.</summary>
    public ReadOnlySpan<float> Values(int layer, TraceQuantity quantity)
    {
        if (layer < 0 || layer >= Layers) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Layers - 1}.");
        int q = IndexOf(quantity);
        if (q < 0) throw new ArgumentException($"A {Cell} layer has no '{quantity.Name()}'; it has {string.Join(", ", Quantities.Select(x => x.Name()))}.", nameof(quantity));
        return _values[layer * Quantities.Count + q];
    }

    /// <summary>The K most probable tokens after reading position <paramref name="t"/>, most probable first.</summary>
    public ReadOnlySpan<int> TopTokens(int t) => _topTokens.AsSpan(t * TopK, TopK);

    /// <summary>The probabilities of <see cref="TopTokens"/> (softmax of the logits at position <paramref name="t"/>).</summary>
    public ReadOnlySpan<float> TopProbabilities(int t) => _topProbs.AsSpan(t * TopK, TopK);

    /// <summary>The probability the model gave at position <paramref name="t"/> to the token that actually follows (NaN at the last position).</summary>
    public float NextProbability(int t) => _nextProbs[t];

    private int IndexOf(TraceQuantity quantity)
    {
        for (int i = 0; i < Quantities.Count; i++) if (Quantities[i] == quantity) return i;
        return -1;
    }

    /// <summary>
    /// Runs <paramref name="model"/> (token inputs, a per-step head, one direction) over <paramref name="tokens"/> from a zero
    /// state, <paramref name="chunk"/> tokens per forward with the state carried between them, and records every layer's
    /// quantities and the <paramref name="topK"/> most probable next tokens at every position. Replaces the model's carried state.
    /// </summary>
    public static ActivationTrace Record(SequenceModel<float> model, ReadOnlySpan<int> tokens, int topK = 5, int chunk = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = model.Config;
        if (config.Input == InputKind.Dense || config.Head != HeadKind.PerStep || config.Bidirectional)
            throw new ArgumentException("An activation trace needs a language model: token inputs, a per-step head and one direction.", nameof(model));
        if (tokens.IsEmpty) throw new ArgumentException("There are no tokens to trace.", nameof(tokens));
        int vocabulary = config.OutputSize;
        if (topK < 1 || topK > vocabulary) throw new ArgumentException($"topK must be in 1..{vocabulary} (the vocabulary), got {topK}.", nameof(topK));
        if (chunk < 1) throw new ArgumentException($"chunk must be positive, got {chunk}.", nameof(chunk));

        var stack = model.Stack;
        int steps = tokens.Length, h = stack.HiddenSize;
        var trace = new ActivationTrace(config.Cell, stack.Layers, h, steps, topK);
        var probabilities = new double[vocabulary];
        model.ResetState();
        for (int start = 0; start < steps; start += chunk)
        {
            int n = Math.Min(chunk, steps - start);
            ReadOnlySpan<float> logits = model.Forward(tokens.Slice(start, n), n, 1, training: false); // (n, 1, V)
            model.CarryState();
            for (int layer = 0; layer < stack.Layers; layer++) trace.CopyLayer(stack.Direction(layer, 0), layer, start, n);
            for (int t = start; t < start + n; t++)
            {
                trace.KeepTop(logits.Slice((t - start) * vocabulary, vocabulary), probabilities, t);
                if (t + 1 < steps) trace._nextProbs[t] = (float)probabilities[tokens[t + 1]];
            }
        }
        model.ResetState();
        return trace;
    }

    // Copies layer `layer`'s buffers of the last forward (n steps, batch 1) into positions start..start+n-1.
    private void CopyLayer(RecurrentDirection<float> direction, int layer, int start, int n)
    {
        int h = HiddenSize, gh = direction.Kind.Gates() * h, nq = Quantities.Count;
        ReadOnlySpan<float> gates = direction.Gates; // (n, GH), empty for plain RNN
        for (int q = 0; q < nq; q++)
        {
            Span<float> dest = _values[layer * nq + q].AsSpan(start * h, n * h);
            switch (Quantities[q])
            {
                case TraceQuantity.Hidden: direction.Output.CopyTo(dest); break;
                case TraceQuantity.Cell: direction.Cells.CopyTo(dest); break;
                default:
                    int block = Quantities[q].GateBlock() * h;
                    for (int t = 0; t < n; t++) gates.Slice(t * gh + block, h).CopyTo(dest.Slice(t * h, h));
                    break;
            }
        }
    }

    // Softmax of one row of logits (V) in double, left normalised in probabilities, and the K largest probabilities with their ids (ties: lower id first).
    private void KeepTop(ReadOnlySpan<float> logits, double[] probabilities, int t)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float z in logits) max = Math.Max(max, z);
        for (int v = 0; v < logits.Length; v++) sum += probabilities[v] = Math.Exp(logits[v] - max);
        Span<int> ids = _topTokens.AsSpan(t * TopK, TopK);
        Span<float> probs = _topProbs.AsSpan(t * TopK, TopK);
        int kept = 0;
        for (int v = 0; v < logits.Length; v++)
        {
            double p = probabilities[v] /= sum;
            if (kept == TopK && p <= probs[kept - 1]) continue;
            int at = kept == TopK ? kept - 1 : kept++;
            while (at > 0 && probs[at - 1] < p) { ids[at] = ids[at - 1]; probs[at] = probs[at - 1]; at--; }
            ids[at] = v;
            probs[at] = (float)p;
        }
    }
}
