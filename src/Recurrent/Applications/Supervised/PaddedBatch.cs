// PaddedBatch: B sequences of different lengths laid out time-major and padded to the longest, T = max length:
// tokens (T,B) or features (T,B,F) with zeros at padding positions, lengths (B), and targets — (B) for a
// last-step head, (T,B) for a per-step head with -1 (ignored by the loss) at padding positions. With the
// lengths, SequenceModel gives each row exactly what the sequence gives alone. Buffers are reused.
namespace Recurrent.Supervised;

/// <summary>A padded, time-major batch of <see cref="SequenceExample"/>s with lengths and masked targets.</summary>
public sealed class PaddedBatch
{
    private int[] _tokens = [], _lengths = [], _targets = [];
    private float[] _features = [];

    /// <summary>Steps T of the batch (the longest sequence).</summary>
    public int Steps { get; private set; }
    /// <summary>Sequences B.</summary>
    public int Batch { get; private set; }
    /// <summary>Token ids (T,B); padding positions hold 0.</summary>
    public ReadOnlySpan<int> Tokens => _tokens.AsSpan(0, Steps * Batch);
    /// <summary>Features (T,B,F); padding positions hold 0.</summary>
    public ReadOnlySpan<float> Features => _features.AsSpan(0, Steps * Batch * FeaturesPerStep);
    /// <summary>Valid steps of each row (B).</summary>
    public ReadOnlySpan<int> Lengths => _lengths.AsSpan(0, Batch);
    /// <summary>Targets: (B) for a last-step head, (T,B) with -1 at padding positions for a per-step head.</summary>
    public ReadOnlySpan<int> Targets => _targets.AsSpan(0, PerStep ? Steps * Batch : Batch);
    /// <summary>Whether the targets are per step.</summary>
    public bool PerStep { get; private set; }
    /// <summary>Features per step (0 for token inputs).</summary>
    public int FeaturesPerStep { get; private set; }

    /// <summary>
    /// Lays out <paramref name="examples"/>[<paramref name="indices"/>[b]] as row b. <paramref name="featuresPerStep"/>
    /// is 0 for token inputs. Every example must have at least one step, and per step targets one per step.
    /// </summary>
    public void Fill(IReadOnlyList<SequenceExample> examples, ReadOnlySpan<int> indices, int featuresPerStep, bool perStep)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (indices.IsEmpty) throw new ArgumentException("A batch needs at least one sequence.", nameof(indices));
        int f = Math.Max(featuresPerStep, 1), batch = indices.Length, steps = 0;
        foreach (int i in indices)
        {
            int len = examples[i].Steps(f);
            if (len < 1) throw new ArgumentException($"The sequence from line {examples[i].Line} is empty.", nameof(examples));
            steps = Math.Max(steps, len);
        }
        Steps = steps;
        Batch = batch;
        PerStep = perStep;
        FeaturesPerStep = featuresPerStep;
        Ensure(ref _lengths, batch);
        Ensure(ref _targets, perStep ? steps * batch : batch);
        Span<int> targets = _targets.AsSpan(0, perStep ? steps * batch : batch);
        targets.Fill(-1);
        if (featuresPerStep == 0) { Ensure(ref _tokens, steps * batch); _tokens.AsSpan(0, steps * batch).Clear(); }
        else { Ensure(ref _features, steps * batch * f); _features.AsSpan(0, steps * batch * f).Clear(); }
        for (int b = 0; b < batch; b++)
        {
            var e = examples[indices[b]];
            int len = e.Steps(f);
            _lengths[b] = len;
            for (int t = 0; t < len; t++)
            {
                if (featuresPerStep == 0) _tokens[t * batch + b] = e.Tokens[t];
                else e.Features.AsSpan(t * f, f).CopyTo(_features.AsSpan((t * batch + b) * f, f));
                if (perStep) targets[t * batch + b] = e.Targets.Length == len ? e.Targets[t] : -1;
            }
            if (!perStep) targets[b] = e.Targets.Length > 0 ? e.Targets[0] : -1;
        }
    }

    private static void Ensure<TE>(ref TE[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new TE[length];
    }
}
