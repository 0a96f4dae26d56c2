// Forecaster: a forecasting model with its ForecastSpec — built for a ForecastSeries (Create), trained on the fit
// loop (CreateFit: ForecastWindows, ForecastValidation; Train: the one-call in-memory form with best-weight
// restore), predicts the next H steps of the target columns from W steps of the input columns (values in original
// units in and out; standardisation inside), and continues a series autoregressively for any number of steps by
// appending its own predictions to the window (which needs every input column to be a target column).
// Shapes: windows (B, W, C_in) row-major per window; predictions (B, H, C_target); a continuation (N, C_target).
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Forecasting;

/// <summary>A forecasting model: a dense-input, last-step-head <see cref="SequenceModel{T}"/> and its <see cref="ForecastSpec"/>.</summary>
public sealed class Forecaster
{
    private float[] _x = [];

    /// <summary>Pairs a model with its spec; throws ArgumentException when their sizes disagree.</summary>
    public Forecaster(SequenceModel<float> model, ForecastSpec spec)
    {
        CheckFits(model, spec);
        Model = model;
        Spec = spec;
    }

    /// <summary>The network.</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>Columns, standardisation, window and horizon.</summary>
    public ForecastSpec Spec { get; }

    /// <summary>
    /// A new, untrained forecaster for <paramref name="series"/> (its columns, standardisation, window and horizon),
    /// initialised from <paramref name="seed"/>. With <paramref name="memoryCheck"/>, a model too large to train in
    /// this machine's memory with those options is refused (ArgumentException, ParamName the setting to reduce)
    /// before anything is allocated.
    /// </summary>
    public static Forecaster Create(ForecastSeries series, ForecastModelSettings settings, ulong seed, ForecastOptions? memoryCheck = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ModelConfig config = ConfigFor(series.Spec, settings);
        if (memoryCheck is not null)
            ModelMemory.Check(config, memoryCheck.BatchSize, series.Spec.Window, memoryCheck.Optimization.OptimizerBuffers);
        return new Forecaster(new SequenceModel<float>(config, seed), series.Spec);
    }

    /// <summary>The network a forecaster of <paramref name="spec"/> with <paramref name="settings"/> has.</summary>
    public static ModelConfig ConfigFor(ForecastSpec spec, ForecastModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        return new ModelConfig
        {
            Input = InputKind.Dense, InputSize = spec.Inputs.Count, Cell = settings.Cell, HiddenSize = settings.HiddenSize, Layers = settings.Layers,
            Head = HeadKind.LastStep, OutputSize = spec.Targets.Count * spec.Horizon,
        };
    }

    /// <summary>
    /// A fit loop that trains this forecaster on the training windows of <paramref name="series"/> (which must have
    /// this forecaster's spec) and evaluates it on the validation windows. Add callbacks, then Run it.
    /// </summary>
    public ForecastFit CreateFit(ForecastSeries series, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (series.Spec.ToJson() != Spec.ToJson())
            throw new ArgumentException("The series has other columns, standardisation, window or horizon than the forecaster.", nameof(series));
        var optimization = options.Optimization.WithPlannedSchedule(options.Fit, (series.TrainStarts.Count + options.BatchSize - 1) / options.BatchSize);
        var optimizer = optimization.CreateOptimizer(Model.Parameters.Count);
        var engine = new StepEngine<float>(Model.Parameters, optimizer, optimization.CreateSchedule(), optimization.TrainerOptions());
        var batches = new ForecastWindows(Model, engine, series, options.BatchSize, options.Seed);
        var validation = new ForecastValidation(Model, series, options.BatchSize);
        return new ForecastFit(new FitLoop(Model, engine, batches, options.Fit, validation), optimizer, series.TrainStarts.Count, series.ValidationStarts.Count);
    }

    /// <summary>
    /// Builds a forecaster for <paramref name="series"/> and trains it in memory (no files): the validation windows
    /// drive early stopping and the parameters of the best evaluation are put back at the end.
    /// <paramref name="callbacks"/> follow the run (e.g. a <see cref="LambdaCallback"/>).
    /// </summary>
    public static (Forecaster Forecaster, FitOutcome Outcome) Train(ForecastSeries series, ForecastModelSettings settings, ForecastOptions options,
        IEnumerable<FitCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var forecaster = Create(series, settings, options.Seed);
        var fit = forecaster.CreateFit(series, options);
        foreach (var callback in callbacks ?? []) fit.Loop.Add(callback);
        fit.Loop.Add(new BestWeights());
        return (forecaster, fit.Loop.Run(cancellation));
    }

    /// <summary>Throws ArgumentException unless <paramref name="model"/> has dense inputs and a last-step head of <paramref name="spec"/>'s sizes.</summary>
    internal static void CheckFits(SequenceModel<float> model, ForecastSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var c = model.Config;
        if (c.Input != InputKind.Dense || c.Head != HeadKind.LastStep || c.InputSize != spec.Inputs.Count || c.OutputSize != spec.Targets.Count * spec.Horizon)
            throw new ArgumentException($"The model (input {c.Input} {c.InputSize}, head {c.Head} {c.OutputSize}) does not fit the spec " +
                $"({spec.Inputs.Count} dense inputs, {spec.Targets.Count} targets × horizon {spec.Horizon} from the last step).", nameof(model));
    }

    /// <summary>Predictions (B, H, C_target) in original units for windows (B, W, C_in) in original units.</summary>
    public double[] PredictWindows(ReadOnlySpan<double> windows, int batch)
    {
        int w = Spec.Window, ci = Spec.Inputs.Count, ct = Spec.Targets.Count, h = Spec.Horizon;
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (windows.Length != batch * w * ci)
            throw new ArgumentException($"windows has {windows.Length} values; expected (B, W, C) = {batch}*{w}*{ci}.", nameof(windows));
        if (_x.Length < w * batch * ci) _x = new float[w * batch * ci];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < w; t++)
                for (int k = 0; k < ci; k++)
                    _x[(t * batch + b) * ci + k] = (float)Spec.Inputs[k].Normalize(windows[(b * w + t) * ci + k]);
        Model.ResetState();
        ReadOnlySpan<float> y = Model.Forward(_x.AsSpan(0, w * batch * ci), w, batch, training: false);
        var result = new double[batch * h * ct];
        for (int i = 0; i < result.Length; i++) result[i] = Spec.Targets[i % ct].Denormalize(y[i]);
        return result;
    }

    /// <summary>
    /// Continues a series: <paramref name="history"/> is (rows, C_in) of the input columns in original units
    /// (rows ≥ W); returns (steps, C_target), each block of H steps predicted from the window that ends with the
    /// previous predictions.
    /// </summary>
    public double[] Continue(ReadOnlySpan<double> history, int rows, int steps)
    {
        int w = Spec.Window, ci = Spec.Inputs.Count, ct = Spec.Targets.Count, h = Spec.Horizon;
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (rows < w) throw new ArgumentException($"continuing needs at least the window of {w} rows of history, got {rows}.", nameof(rows));
        if (history.Length != rows * ci) throw new ArgumentException($"history has {history.Length} values; expected (rows, C) = {rows}*{ci}.", nameof(history));
        int[] map = Spec.InputToTarget();
        int missing = Array.IndexOf(map, -1);
        if (missing >= 0)
            throw new ArgumentException($"the input column '{Spec.Inputs[missing].Label}' is not predicted, so the series cannot be continued " +
                "past the data; train with every input column among the targets.", nameof(history));
        // The series so far, (rows + predicted, C_in): the history, then every predicted step's values of the input columns.
        var series = new List<double>(history.ToArray());
        var result = new double[steps * ct];
        for (int done = 0; done < steps;)
        {
            double[] p = PredictWindows(series.GetRange(series.Count - w * ci, w * ci).ToArray(), 1);  // (H, C_target)
            int take = Math.Min(h, steps - done);
            Array.Copy(p, 0, result, done * ct, take * ct);
            for (int s = 0; s < h; s++)
                for (int k = 0; k < ci; k++) series.Add(p[s * ct + map[k]]);
            done += take;
        }
        return result;
    }
}
