// TokenSampler: generates tokens one at a time from a per-step softmax model (batch 1), feeding each
// sampled token back as the next input and carrying the recurrent state (in its own StepInference snapshot) — the sampling loop of
// min-char-rnn and char-rnn, with temperature, top-k, top-p (nucleus) and argmax. Buffers are sized once,
// so the loop allocates nothing.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using System.Runtime.CompilerServices;

namespace Recurrent.Sampling;

/// <summary>How the next token is chosen from the model's distribution.</summary>
public sealed record SamplingOptions
{
    /// <summary>Softmax temperature: below 1 sharper, above 1 flatter (char-rnn's <c>-temperature</c>).</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Keep only the k most probable tokens (0 = all).</summary>
    public int TopK { get; init; }
    /// <summary>Keep the smallest set of most probable tokens whose probability reaches p (1 = all).</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Always take the most probable token (char-rnn's <c>-sample 0</c>).</summary>
    public bool ArgMax { get; init; }

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (!(Temperature > 0 && double.IsFinite(Temperature))) throw new ArgumentException($"Temperature must be positive and finite, got {Temperature}.", nameof(Temperature));
        if (TopK < 0) throw new ArgumentException($"TopK must be >= 0, got {TopK}.", nameof(TopK));
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"TopP must be in (0, 1], got {TopP}.", nameof(TopP));
    }
}

/// <summary>Batch-1 autoregressive sampler over a per-step token model.</summary>
public sealed class TokenSampler
{
    private readonly StepInference _inference;
    private readonly Rng _rng;
    private readonly double[] _probabilities;
    private readonly int[] _order;
    private readonly double[] _sortKeys;

    /// <summary>
    /// Creates a sampler over a snapshot of the model's weights (<see cref="StepInference"/>); the model must take
    /// token ids, run forward in time and have a per-step head. The model's own carried state is not touched.
    /// </summary>
    public TokenSampler(SequenceModel<float> model, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Config.Input == InputKind.Dense || model.Config.Head != HeadKind.PerStep)
            throw new ArgumentException("Sampling needs a token-input model with a per-step head.", nameof(model));
        if (model.Config.Bidirectional)
            throw new ArgumentException("A bidirectional model reads the future and cannot generate step by step.", nameof(model));
        _inference = new StepInference(model);
        _rng = new Rng(seed);
        int v = model.Config.OutputSize;
        _probabilities = new double[v];
        _order = new int[v];
        _sortKeys = new double[v];
    }

    /// <summary>Starts a new sequence from the zero state.</summary>
    public void Reset() => _inference.Reset();

    /// <summary>Feeds one token (advancing the state) without sampling: used to prime the model with text.</summary>
    public ReadOnlySpan<float> Feed(int token) => _inference.Step(token);

    /// <summary>Feeds <paramref name="token"/> and returns the next token drawn from the model's distribution.</summary>
    public int Next(int token, SamplingOptions options)
    {
        ReadOnlySpan<float> logits = Feed(token);
        return Choose(logits, options);
    }

    /// <summary>Chooses a token from logits under the options (temperature, top-k, top-p, argmax).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public int Choose(ReadOnlySpan<float> logits, SamplingOptions options)
    {
        int v = logits.Length;
        if (options.ArgMax)
        {
            int best = 0;
            for (int j = 1; j < v; j++) if (logits[j] > logits[best]) best = j;
            return best;
        }
        double invT = 1.0 / options.Temperature;
        double max = double.NegativeInfinity;
        for (int j = 0; j < v; j++) max = Math.Max(max, logits[j] * invT);
        double sum = 0;
        for (int j = 0; j < v; j++) { _probabilities[j] = Math.Exp(logits[j] * invT - max); sum += _probabilities[j]; }
        for (int j = 0; j < v; j++) _probabilities[j] /= sum;

        int keep = v;
        if (options.TopK > 0 || options.TopP < 1)
        {
            // Sort token ids by descending probability (the same logits always give the same order).
            for (int j = 0; j < v; j++) { _order[j] = j; _sortKeys[j] = -_probabilities[j]; }
            _sortKeys.AsSpan(0, v).Sort(_order.AsSpan(0, v));
            if (options.TopK > 0) keep = Math.Min(keep, options.TopK);
            if (options.TopP < 1)
            {
                double cumulative = 0;
                for (int r = 0; r < keep; r++)
                {
                    cumulative += _probabilities[_order[r]];
                    if (cumulative >= options.TopP) { keep = r + 1; break; }
                }
            }
            double kept = 0;
            for (int r = 0; r < keep; r++) kept += _probabilities[_order[r]];
            double u = _rng.NextDouble() * kept;
            for (int r = 0; r < keep; r++)
            {
                u -= _probabilities[_order[r]];
                if (u < 0) return _order[r];
            }
            return _order[keep - 1];
        }
        double x = _rng.NextDouble();
        for (int j = 0; j < v; j++)
        {
            x -= _probabilities[j];
            if (x < 0) return j;
        }
        return v - 1; // rounding left a sliver of mass: the last token
    }
}
