// ChannelStandardisation: the per-channel scaling of a numeric classifier's inputs — for each of the F numbers a
// step holds (the channels: accelerometer x/y/z, ECG leads, ...), the mean and standard deviation over every step
// of the training sequences, so each channel enters the network as (x − mean) / std whatever its units. Fitted
// once when the classifier is created, stored in its model file (the task description) and applied to every
// sequence it trains on, evaluates or predicts; a channel that is constant in training keeps std 1.
// Not a layer: the network's weights never see the raw numbers, and exports carry the statistics beside the graph.
using System.Text.Json.Serialization;

namespace Recurrent.Classification;

/// <summary>Per-channel (x − mean) / std of numeric sequences with F numbers per step (step-major, T·F values).</summary>
/// <param name="Mean">Mean of each channel over the training steps (F).</param>
/// <param name="Std">Population standard deviation of each channel over the training steps (F); 1 for a constant channel.</param>
public sealed record ChannelStandardisation(
    [property: JsonPropertyName("mean")] double[] Mean,
    [property: JsonPropertyName("std")] double[] Std)
{
    // Below this a channel counts as constant: dividing by it would blow noise up, so it is only centred.
    private const double ConstantBelow = 1e-12;

    /// <summary>Channels F (numbers per step).</summary>
    [JsonIgnore]
    public int Channels => Mean.Length;

    /// <summary>True when both arrays have the same positive length, every mean is finite and every std finite and positive.</summary>
    [JsonIgnore]
    public bool IsValid => Mean is { Length: > 0 } && Std is not null && Std.Length == Mean.Length
        && Mean.All(double.IsFinite) && Std.All(s => double.IsFinite(s) && s > 0);

    /// <summary>
    /// Fits the statistics of <paramref name="sequences"/>, each T·F numbers step-major (step 1's F channels, then
    /// step 2's, ...), over all their steps together (long sequences weigh more, as every step is one input).
    /// </summary>
    public static ChannelStandardisation Fit(IEnumerable<float[]> sequences, int featuresPerStep)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (featuresPerStep < 1) throw new ArgumentException($"featuresPerStep must be positive, got {featuresPerStep}.", nameof(featuresPerStep));
        int f = featuresPerStep;
        var sum = new double[f];
        long steps = 0;
        var all = sequences as IReadOnlyCollection<float[]> ?? sequences.ToList();
        foreach (float[] s in all)
        {
            CheckLength(s, f);
            for (int i = 0; i < s.Length; i++) sum[i % f] += s[i];
            steps += s.Length / f;
        }
        if (steps == 0) throw new ArgumentException("There are no steps to fit the channel statistics on.", nameof(sequences));
        var mean = sum.Select(v => v / steps).ToArray();
        // Second pass around the mean (not E[x²] − E[x]², which cancels badly for channels far from zero).
        var squares = new double[f];
        foreach (float[] s in all)
            for (int i = 0; i < s.Length; i++) { double d = s[i] - mean[i % f]; squares[i % f] += d * d; }
        var std = squares.Select(q => Math.Sqrt(q / steps)).Select(s => s > ConstantBelow && double.IsFinite(s) ? s : 1.0).ToArray();
        return new ChannelStandardisation(mean, std);
    }

    /// <summary>A standardised copy of <paramref name="values"/> (T·F, step-major): channel k of every step as (x − Mean[k]) / Std[k].</summary>
    public float[] Apply(ReadOnlySpan<float> values)
    {
        int f = Channels;
        if (values.Length % f != 0)
            throw new ArgumentException($"A sequence of {values.Length} numbers is not a whole number of steps of {f} channels.", nameof(values));
        var z = new float[values.Length];
        for (int i = 0; i < values.Length; i++) z[i] = (float)((values[i] - Mean[i % f]) / Std[i % f]);
        return z;
    }

    private static void CheckLength(float[] s, int f)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Length % f != 0)
            throw new ArgumentException($"A sequence of {s.Length} numbers is not a whole number of steps of {f} channels.", "sequences");
    }
}
