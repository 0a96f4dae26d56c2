// TextSampler: the fit-loop callback that shows what a language model has learnt while it trains — every N updates
// it generates text from its own seeded generator (saved in checkpoints, so a resumed run draws the same samples),
// appends it to samples.txt under a "---- step N ----" line and raises Sampled.
using System.Text.Json.Nodes;
using Recurrent.Randomness;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>Samples text every <paramref name="every"/> updates.</summary>
/// <param name="sample">Generates text from a seed, leaving the training state as it was.</param>
/// <param name="every">Updates between samples (0 = never).</param>
/// <param name="samplesPath">samples.txt, or null to write nothing.</param>
/// <param name="seed">Seed of the generator of sample seeds.</param>
public sealed class TextSampler(Func<ulong, string> sample, int every, string? samplesPath, ulong seed) : FitCallback
{
    private readonly Rng _rng = new(seed);

    /// <summary>After every sample.</summary>
    public event Action<SampleReport>? Sampled;

    /// <inheritdoc/>
    public override void OnStepEnd(FitLoop loop, StepReport step)
    {
        if (every <= 0 || step.Step % every != 0) return;
        string text = sample(_rng.NextUInt64());
        if (samplesPath is not null) File.AppendAllText(samplesPath, $"---- step {step.Step} ----\n{text}\n", MetricsLog.Utf8);
        Sampled?.Invoke(new SampleReport(step.Step, text));
    }

    /// <inheritdoc/>
    public override string? StateKey => "sampler";

    /// <inheritdoc/>
    public override JsonNode? SaveState()
    {
        var s = _rng.State;
        return new JsonArray(s.Item1, s.Item2, s.Item3, s.Item4);
    }

    /// <inheritdoc/>
    public override void LoadState(JsonNode? state, string source)
    {
        if (state is not JsonArray { Count: 4 } a)
            throw new InvalidDataException($"'{source}': the sampler's generator state is incomplete.");
        _rng.Restore((a[0]!.GetValue<ulong>(), a[1]!.GetValue<ulong>(), a[2]!.GetValue<ulong>(), a[3]!.GetValue<ulong>()));
    }
}
