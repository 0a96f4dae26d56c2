// StatisticsRecord: one line of stats.jsonl, the per-tensor training statistics a dashboard draws (as DL4J's training
// UI): for every parameter its weights, gradients (after clipping) and the update the logged step made, each as a
// histogram, with mean |θ|, mean |Δθ| and log10 of their ratio; and the activations of the recurrent stacks on a
// fixed probe batch (h, LSTM c, each gate) with their saturated fraction. Written by StatisticsWriter, read by
// TrainingStatistics.
namespace Recurrent.Training;

/// <summary>The statistics of one logged update.</summary>
/// <param name="Step">Updates done (the logged one included).</param>
/// <param name="Epoch">Completed epochs plus the fraction of the current one.</param>
/// <param name="Tensors">One entry per parameter, in the parameter store's order.</param>
/// <param name="Activations">The probe batch's activations; null when the batch source has no probe.</param>
public sealed record StatisticsRecord(long Step, double Epoch, IReadOnlyList<TensorStatistics> Tensors, IReadOnlyList<ActivationStatistics>? Activations);

/// <summary>One parameter tensor's statistics at a logged update.</summary>
/// <param name="Name">Its name in the parameter store (the model file's tensor name).</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Count">Its number of values.</param>
/// <param name="MeanAbs">mean |θ| after the update.</param>
/// <param name="UpdateMeanAbs">mean |Δθ| of the update; null when the values before it were not kept (first line after a resume).</param>
/// <param name="RatioLog10">log10(mean |Δθ| / mean |θ|); null when either is zero or Δθ is unknown.</param>
/// <param name="Weights">θ after the update.</param>
/// <param name="Gradients">The gradient the update used (after clipping).</param>
/// <param name="Updates">Δθ; null when unknown.</param>
public sealed record TensorStatistics(string Name, int[] Shape, int Count, double MeanAbs, double? UpdateMeanAbs, double? RatioLog10,
    Histogram Weights, Histogram Gradients, Histogram? Updates);

/// <summary>One activation's statistics on the probe batch.</summary>
/// <param name="Name">"layer0.h", "layer0.reverse.c", "decoder.layer1.gate_f", ...</param>
/// <param name="Values">Its histogram.</param>
/// <param name="Saturated">Fraction of saturated values (gates: below 0.05 or above 0.95; others |x| &gt; 0.95); null for unbounded values.</param>
public sealed record ActivationStatistics(string Name, Histogram Values, double? Saturated);
