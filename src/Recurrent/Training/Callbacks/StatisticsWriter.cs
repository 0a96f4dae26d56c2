// StatisticsWriter: the fit-loop callback that appends the per-tensor training statistics (stats.jsonl, see
// TrainingStatistics) every FitOptions.StatsEvery updates (null: every LogEvery; 0: never). For each parameter it
// histograms θ, the gradient the update used (what the store's gradient buffer holds at OnStepEnd: after clipping)
// and Δθ, the change the logged update made — the flat values are copied at the update just before a logged one and
// diffed at it (a skipped step in between makes no update, so the difference is still that one update's). When the
// batch source is an IActivationProbe, its fixed probe batch's activations are added. It only reads the weights and
// the probe runs in inference mode without touching carried state, so training is bit-identical with or without it.
namespace Recurrent.Training.Callbacks;

/// <summary>Appends a <see cref="StatisticsRecord"/> to stats.jsonl every <see cref="FitOptions.StatsEvery"/> updates.</summary>
public sealed class StatisticsWriter(string path) : FitCallback
{
    private float[] _before = [];   // (P) flat parameter values after update _beforeStep
    private long _beforeStep = -1;
    private float[] _delta = [];    // (P) scratch: Δθ

    /// <summary>The stats.jsonl file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <inheritdoc/>
    public override void OnTrainBegin(FitLoop loop)
    {
        _beforeStep = -1;
        if (Every(loop) is int every and > 0 && (loop.Step + 1) % every == 0) Snapshot(loop);
    }

    /// <inheritdoc/>
    public override void OnStepEnd(FitLoop loop, StepReport step)
    {
        if (Every(loop) is not (int every and > 0)) return;
        if (step.Step % every == 0) TrainingStatistics.Append(Path, Measure(loop, step));
        if ((step.Step + 1) % every == 0) Snapshot(loop);
    }

    private static int Every(FitLoop loop) => loop.Options.StatsEvery ?? loop.Options.LogEvery;

    private void Snapshot(FitLoop loop)
    {
        float[] values = loop.Model.Parameters.Values;
        if (_before.Length != values.Length) _before = new float[values.Length];
        values.CopyTo(_before, 0);
        _beforeStep = loop.Step;
    }

    private StatisticsRecord Measure(FitLoop loop, StepReport step)
    {
        var store = loop.Model.Parameters;
        float[] values = store.Values, gradients = store.Gradients;
        bool haveDelta = _beforeStep == step.Step - 1;
        if (haveDelta)
        {
            if (_delta.Length != values.Length) _delta = new float[values.Length];
            for (int i = 0; i < values.Length; i++) _delta[i] = values[i] - _before[i];
        }
        var tensors = new List<TensorStatistics>(store.Parameters.Count);
        foreach (var p in store.Parameters)
        {
            var weights = Histogram.Of(values.AsSpan(p.Offset, p.Length), out double meanAbs);
            var grads = Histogram.Of(gradients.AsSpan(p.Offset, p.Length), out _);
            Histogram? updates = null;
            double? updateMeanAbs = null, ratio = null;
            if (haveDelta)
            {
                updates = Histogram.Of(_delta.AsSpan(p.Offset, p.Length), out double u);
                updateMeanAbs = u;
                if (u > 0 && meanAbs > 0) ratio = Math.Log10(u / meanAbs);
            }
            tensors.Add(new TensorStatistics(p.Name, p.Shape, p.Length, meanAbs, updateMeanAbs, ratio, weights, grads, updates));
        }
        List<ActivationStatistics>? activations = null;
        if (loop.Source is IActivationProbe probe)
        {
            activations = [];
            foreach (var a in probe.Probe())
                activations.Add(new ActivationStatistics(a.Name, Histogram.Of(a.Values, out _), Saturation(a.Values, a.Kind)));
        }
        return new StatisticsRecord(step.Step, step.Epoch, tensors, activations);
    }

    // Fraction of saturated values: gates below 0.05 or above 0.95, squashed values with |x| > 0.95; null when unbounded.
    private static double? Saturation(ReadOnlySpan<float> values, Layers.ActivationKind kind)
    {
        if (kind == Layers.ActivationKind.Unbounded || values.IsEmpty) return null;
        long saturated = 0;
        if (kind == Layers.ActivationKind.Gate)
            foreach (float v in values) { if (v < 0.05f || v > 0.95f) saturated++; }
        else
            foreach (float v in values) { if (Math.Abs(v) > 0.95f) saturated++; }
        return (double)saturated / values.Length;
    }
}
