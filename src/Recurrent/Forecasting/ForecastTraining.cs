// ForecastTraining: trains a forecasting model on a series — standardisation fitted on the training part,
// windows of W steps with the next H steps of the targets as the regression target, a held-out tail of the
// series for validation (its windows' targets lie wholly in the tail), MSE on standardised values with an
// identity (linear) output, Adam, and early stopping on the validation MSE; the best epoch's parameters are
// kept. Validation metrics are reported in original units.
// Shapes: values (N, C) row-major per column group; a batch is (W, B, C_in) time-major with targets (B, H*C_target).
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>Settings of ForecastTraining.Run.</summary>
public sealed record ForecastOptions
{
    /// <summary>Steps the model reads (W).</summary>
    public int Window { get; init; } = 24;
    /// <summary>Steps it predicts at once (H).</summary>
    public int Horizon { get; init; } = 1;
    /// <summary>Recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 32;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Windows per update.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 5e-3;
    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double ClipNorm { get; init; } = 1;
    /// <summary>Upper bound on epochs.</summary>
    public int Epochs { get; init; } = 100;
    /// <summary>Stop after this many epochs without a lower validation MSE (0 = never).</summary>
    public int Patience { get; init; } = 10;
    /// <summary>Fraction of the rows at the end held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.2;
    /// <summary>Seed of initialisation and shuffling.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        Positive(Window, nameof(Window));
        Positive(Horizon, nameof(Horizon));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Layers, nameof(Layers));
        Positive(BatchSize, nameof(BatchSize));
        Positive(Epochs, nameof(Epochs));
        if (Patience < 0) throw new ArgumentException($"Patience must be >= 0, got {Patience}.", nameof(Patience));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}.", nameof(LearningRate));
        if (!(ClipNorm >= 0 && double.IsFinite(ClipNorm))) throw new ArgumentException($"ClipNorm must be >= 0, got {ClipNorm}.", nameof(ClipNorm));
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw new ArgumentException($"ValidationFraction must be in (0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
    }
}

/// <summary>One epoch of forecasting training.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainMse">Mean training MSE of the epoch (standardised units).</param>
/// <param name="ValidationMse">Validation MSE (standardised units), the early-stopping criterion.</param>
/// <param name="Validation">Validation errors in original units.</param>
public sealed record ForecastEpoch(int Epoch, double TrainMse, double ValidationMse, ForecastMetrics Validation);

/// <summary>Outcome of ForecastTraining.Run.</summary>
/// <param name="Forecaster">The model with the best epoch's parameters.</param>
/// <param name="Best">The best epoch.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="TrainWindows">Training windows.</param>
/// <param name="ValidationWindows">Validation windows.</param>
/// <param name="StopReason">Why training stopped.</param>
public sealed record ForecastResult(Forecaster Forecaster, ForecastEpoch Best, int Epochs, int TrainWindows, int ValidationWindows, string StopReason);

/// <summary>Trains forecasting models.</summary>
public static class ForecastTraining
{
    /// <summary>Trains on the columns of <paramref name="table"/> named in <paramref name="inputs"/> and <paramref name="targets"/> (names or 1-based numbers).</summary>
    public static ForecastResult Run(TimeSeriesTable table, IReadOnlyList<string> inputs, IReadOnlyList<string> targets, ForecastOptions options,
        Action<ForecastEpoch>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Count == 0 || targets.Count == 0) throw new ArgumentException("Give at least one input and one target column.", nameof(inputs));
        int[] inIdx = inputs.Select(table.ColumnIndex).ToArray(), outIdx = targets.Select(table.ColumnIndex).ToArray();
        if (inIdx.Distinct().Count() != inIdx.Length) throw new ArgumentException("An input column is named twice.", nameof(inputs));
        if (outIdx.Distinct().Count() != outIdx.Length) throw new ArgumentException("A target column is named twice.", nameof(targets));
        string? Name(int i) => table.Header?[i];
        return Run(table.Values(inIdx), inIdx.Select(i => (Name(i), i)).ToList(), table.Values(outIdx), outIdx.Select(i => (Name(i), i)).ToList(),
            table.Rows, options, progress);
    }

    /// <summary>
    /// Trains on row-major input values (rows, C_in) and target values (rows, C_target) with the given column
    /// descriptions (name or null, 0-based index).
    /// </summary>
    public static ForecastResult Run(double[] inputValues, IReadOnlyList<(string? Name, int Index)> inputColumns,
        double[] targetValues, IReadOnlyList<(string? Name, int Index)> targetColumns, int rows, ForecastOptions options,
        Action<ForecastEpoch>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(inputValues);
        ArgumentNullException.ThrowIfNull(targetValues);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int w = options.Window, h = options.Horizon, ci = inputColumns.Count, ct = targetColumns.Count;
        if (inputValues.Length != rows * ci || targetValues.Length != rows * ct)
            throw new ArgumentException($"The value arrays do not hold {rows} rows of {ci} inputs and {ct} targets.", nameof(inputValues));
        int split = (int)Math.Round(rows * (1 - options.ValidationFraction));
        // window i reads rows [i, i+W) and predicts rows [i+W, i+W+H)
        int last = rows - w - h;
        var trainStarts = Enumerable.Range(0, Math.Max(0, last + 1)).Where(i => i + w + h <= split).ToArray();
        var validationStarts = Enumerable.Range(0, Math.Max(0, last + 1)).Where(i => i + w >= split).ToArray();
        if (trainStarts.Length == 0 || validationStarts.Length == 0)
            throw new ArgumentException($"{rows} rows give {trainStarts.Length} training and {validationStarts.Length} validation windows of {w} steps " +
                $"with horizon {h} (validation: the last {options.ValidationFraction:P0} of the rows); use a longer series, a shorter window or horizon, or another validation fraction.",
                nameof(rows));

        var spec = new ForecastSpec(ForecastSpec.Fit(inputColumns, inputValues, split), ForecastSpec.Fit(targetColumns, targetValues, split), w, h);
        var xs = Normalize(inputValues, spec.Inputs);
        var ys = Normalize(targetValues, spec.Targets);
        var config = new ModelConfig
        {
            Input = InputKind.Dense, InputSize = ci, Cell = options.Cell, HiddenSize = options.HiddenSize, Layers = options.Layers,
            Head = HeadKind.LastStep, OutputSize = ct * h,
        };
        var model = new SequenceModel<float>(config, options.Seed);
        var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(options.LearningRate),
            new TrainerOptions { ClipNorm = options.ClipNorm > 0 ? options.ClipNorm : null });
        var forecaster = new Forecaster(model, spec);
        var rng = new Rng(options.Seed ^ 0xD1B54A32D192ED03UL);
        float[] best = (float[])model.Parameters.Values.Clone();
        ForecastEpoch? bestEpoch = null;
        int sinceBest = 0, epoch = 0;
        string stop = $"{options.Epochs} epochs done";
        var order = (int[])trainStarts.Clone();
        for (epoch = 1; epoch <= options.Epochs; epoch++)
        {
            for (int i = order.Length - 1; i > 0; i--) { int j = rng.NextInt(i + 1); (order[i], order[j]) = (order[j], order[i]); }
            double sum = 0;
            int batches = 0;
            for (int at = 0; at < order.Length; at += options.BatchSize)
            {
                int b = Math.Min(options.BatchSize, order.Length - at);
                var (x, y) = Batch(xs, ys, ci, ct, w, h, order.AsSpan(at, b));
                model.ResetState();
                sum += trainer.TrainRegression(x, y, ReadOnlySpan<float>.Empty, w, b).Loss;
                batches++;
            }
            var (validationMse, metrics) = Evaluate(model, forecaster, xs, ys, targetValues, ci, ct, w, h, validationStarts);
            var e = new ForecastEpoch(epoch, sum / batches, validationMse, metrics);
            progress?.Invoke(e);
            if (bestEpoch is null || validationMse < bestEpoch.ValidationMse)
            {
                bestEpoch = e;
                sinceBest = 0;
                model.Parameters.Values.CopyTo(best, 0);
            }
            else if (options.Patience > 0 && ++sinceBest >= options.Patience)
            {
                stop = $"early stop: no lower validation MSE in {options.Patience} epochs";
                break;
            }
        }
        best.CopyTo(model.Parameters.Values, 0);
        return new ForecastResult(forecaster, bestEpoch!, Math.Min(epoch, options.Epochs), trainStarts.Length, validationStarts.Length, stop);
    }

    private static float[] Normalize(double[] values, IReadOnlyList<ForecastColumn> columns)
    {
        int c = columns.Count;
        var z = new float[values.Length];
        for (int i = 0; i < values.Length; i++) z[i] = (float)columns[i % c].Normalize(values[i]);
        return z;
    }

    // Features (W,B,C_in) time-major and targets (B, H*C_target) for windows starting at `starts`.
    private static (float[] X, float[] Y) Batch(float[] xs, float[] ys, int ci, int ct, int w, int h, ReadOnlySpan<int> starts)
    {
        int b = starts.Length;
        var x = new float[w * b * ci];
        var y = new float[b * h * ct];
        for (int k = 0; k < b; k++)
        {
            int s = starts[k];
            for (int t = 0; t < w; t++) Array.Copy(xs, (s + t) * ci, x, (t * b + k) * ci, ci);
            Array.Copy(ys, (s + w) * ct, y, k * h * ct, h * ct);
        }
        return (x, y);
    }

    private static (double Mse, ForecastMetrics Metrics) Evaluate(SequenceModel<float> model, Forecaster forecaster, float[] xs, float[] ys,
        double[] targetValues, int ci, int ct, int w, int h, int[] starts)
    {
        var (x, y) = Batch(xs, ys, ci, ct, w, h, starts);
        model.ResetState();
        ReadOnlySpan<float> p = model.Forward(x, w, starts.Length, training: false);
        double sq = 0;
        var predictions = new double[p.Length];
        var truths = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double d = p[i] - y[i];
            sq += d * d;
            predictions[i] = forecaster.Spec.Targets[i % ct].Denormalize(p[i]);
        }
        for (int k = 0; k < starts.Length; k++) Array.Copy(targetValues, (starts[k] + w) * ct, truths, k * h * ct, h * ct);
        return (sq / p.Length, ForecastMetrics.Compute(predictions, truths));
    }
}
