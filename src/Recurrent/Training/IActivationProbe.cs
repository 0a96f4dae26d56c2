// IActivationProbe: what a batch source may also offer the training statistics (StatisticsWriter) — the activations of
// its model's recurrent stacks on a FIXED probe batch (the same sequences every time, taken from the first training
// examples), run forward in inference mode: no dropout, no draw from the dropout generator, and neither the state a
// language model carries between windows nor anything else the next update depends on is changed. The writer calls it
// after an update's callbacks began (OnStepEnd), before the next training forward. A source without it simply gets no
// "activations" in stats.jsonl.
using Recurrent.Layers;

namespace Recurrent.Training;

/// <summary>A batch source that can show its model's activations on a fixed probe batch.</summary>
public interface IActivationProbe
{
    /// <summary>The most sequences a probe batch holds (the first of the training data).</summary>
    const int MaxRows = 8;

    /// <summary>The most steps of a stream window (a language model's) a probe runs: the first 32, which keeps the probe's
    /// forward a small fraction of an update's (stats.jsonl's overhead stays under 3% at the default interval).</summary>
    const int MaxSteps = 32;

    /// <summary>
    /// Runs the fixed probe batch forward in inference mode and returns every recurrent layer's (and direction's)
    /// h, LSTM c and gate values, named as in stats.jsonl ("layer0.h", "encoder.layer1.gate_f", ...). Must not change
    /// what the next update computes.
    /// </summary>
    IReadOnlyList<ProbedActivation> Probe();
}
