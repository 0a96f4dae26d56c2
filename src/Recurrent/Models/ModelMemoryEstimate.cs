// ModelMemoryEstimate: what ModelMemory.Estimate found for one model and batch shape — the bytes of each part of
// a training run (parameters, gradients, optimizer moments, activations and working buffers) and the largest
// single buffer. Counts and bytes are Int128, so a configuration far beyond any machine is still described
// exactly instead of overflowing. A plain result; the arithmetic lives in ModelMemory.
using System.Globalization;

namespace Recurrent.Models;

/// <summary>The memory a training run of a <see cref="SequenceModel{T}"/> (float) needs, by part.</summary>
public sealed record ModelMemoryEstimate
{
    /// <summary>Scalar parameters of the model (see <see cref="ModelMemory.ParameterCount"/>).</summary>
    public required Int128 ParameterCount { get; init; }

    /// <summary>Bytes of the parameter values (one flat float array).</summary>
    public required Int128 ParameterBytes { get; init; }

    /// <summary>Bytes of the gradients (one flat float array, as long as the parameters).</summary>
    public required Int128 GradientBytes { get; init; }

    /// <summary>Bytes of the optimizer's moment buffers (each as long as the parameters; Adam has two).</summary>
    public required Int128 OptimizerBytes { get; init; }

    /// <summary>
    /// Bytes of the activations kept for backward and the buffers of one forward and backward pass: per layer and
    /// direction the gate pre-activations and activations, cell states, outputs, gate gradients and packed copies
    /// of the recurrent weights; the input, output (logits) and loss-gradient buffers of the model.
    /// </summary>
    public required Int128 ActivationBytes { get; init; }

    /// <summary>Elements of the largest single array a training step allocates.</summary>
    public required Int128 LargestBufferElements { get; init; }

    /// <summary>What the largest array is, with its shape, e.g. "layer 0 gate pre-activations (T·B=2048, 4H=80000)".</summary>
    public required string LargestBuffer { get; init; }

    /// <summary>The <see cref="ModelConfig"/> setting that sizes the largest array (e.g. "HiddenSize").</summary>
    public required string LargestBufferSetting { get; init; }

    /// <summary>All parts together.</summary>
    public Int128 TotalBytes => ParameterBytes + GradientBytes + OptimizerBytes + ActivationBytes;

    /// <summary>Bytes as gigabytes (10^9 bytes) with one decimal, e.g. "61.3 GB".</summary>
    internal static string Gigabytes(Int128 bytes) =>
        ((double)bytes / 1e9).ToString(bytes < (Int128)1e17 ? "F1" : "G3", CultureInfo.InvariantCulture) + " GB";
}
