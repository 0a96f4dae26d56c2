// Forecaster: a forecasting model with its ForecastSpec — built for a ForecastSeries (Create), trained on the fit
// loop (CreateFit: ForecastWindows, ForecastValidation; Train: the one-call in-memory form with best-weight
// restore), predicts the next H steps of the target columns (a point forecast, or each quantile) from the last
// L = W + Lag rows of the input columns (values in original units in and out; the WindowCodec's differencing and
// scaling inside), and continues a series autoregressively for any number of steps by appending its own point
// predictions to the window (which needs every input column to be a target column).
// Shapes: windows (B, L, C_in) row-major per window; ahead features (B, W, A); predictions (B, H, C_target) or
// (B, H, C_target, Q); a continuation (N, C_target) or (N, C_target, Q).
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Forecasting;

/// <summary>A forecasting model: a dense-input, last-step-head <see cref="SequenceModel{T}"/> and its <see cref="ForecastSpec"/>.</summary>
public sealed class Forecaster
{
    private float[] _x = [];
    private WindowCodec? _codec;

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
            Input = InputKind.Dense, InputSize = spec.FeatureCount, Cell = settings.Cell, HiddenSize = settings.HiddenSize, Layers = settings.Layers,
            Activation = settings.Activation, GateActivation = settings.GateActivation,
            ForgetGateBias = settings.ForgetGateBias ?? ModelConfig.DefaultForgetGateBias,
            Head = HeadKind.LastStep, OutputSize = spec.OutputSize,
        };
    }

    /// <summary>
    /// A fit loop that trains this forecaster on the training windows of <paramref name="series"/> (which must have
    /// this forecaster's spec) and evaluates it on the validation windows. Add callbacks, then Run it. With a
    /// <paramref name="reducer"/> this process is one rank of a data-parallel job: it trains its share of each batch
    /// (ForecastWindows) and evaluates the whole validation set, as every rank does.
    /// </summary>
    public ForecastFit CreateFit(ForecastSeries series, ForecastOptions options, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (series.Spec.ToJson() != Spec.ToJson())
            throw new ArgumentException("The series has other columns, standardisation, window or horizon than the forecaster.", nameof(series));
        var optimization = options.Optimization.WithPlannedSchedule(options.Fit, (series.Train.Count + options.BatchSize - 1) / options.BatchSize);
        var optimizer = optimization.CreateOptimizer(Model.Parameters.Count);
        var engine = new StepEngine<float>(Model.Parameters, optimizer, optimization.CreateSchedule(), optimization.TrainerOptions(), reducer);
        var batches = new ForecastWindows(Model, engine, series, options.BatchSize, options.Seed);
        var validation = new ForecastValidation(Model, series, options.BatchSize);
        return new ForecastFit(new FitLoop(Model, engine, batches, options.Fit, validation), optimizer, series.Train.Count, series.Validation.Count);
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
        if (c.Input != InputKind.Dense || c.Head != HeadKind.LastStep || c.InputSize != spec.FeatureCount || c.OutputSize != spec.OutputSize)
            throw new ArgumentException($"The model (input {c.Input} {c.InputSize}, head {c.Head} {c.OutputSize}) does not fit the spec " +
                $"({spec.FeatureCount} dense inputs, {spec.Targets.Count} targets × horizon {spec.Horizon} × {spec.QuantileCount} quantile(s) from the last step).", nameof(model));
    }

    /// <summary>
    /// Point predictions (B, H, C_target) in original units for windows (B, L, C_in) of the input columns in original
    /// units, L = <see cref="ForecastSpec.HistoryRows"/> (the window and the rows differencing needs). With known-ahead
    /// columns or calendar features, <paramref name="ahead"/> holds each window's (W, A) features of the rows H steps
    /// after its steps (<see cref="ForecastSeries.AheadFeatures(ForecastSpec, ReadOnlySpan{double}, IReadOnlyList{DateTime}?, int)"/>).
    /// </summary>
    public double[] PredictWindows(ReadOnlySpan<double> windows, int batch, ReadOnlySpan<float> ahead = default)
    {
        double[] all = PredictQuantiles(windows, batch, ahead);
        int q = Spec.QuantileCount, p = Spec.PointQuantile;
        if (q == 1) return all;
        var point = new double[all.Length / q];
        for (int i = 0; i < point.Length; i++) point[i] = all[i * q + p];
        return point;
    }

    /// <summary>As <see cref="PredictWindows"/>, every quantile: (B, H, C_target, Q) (Q = 1 for a point forecaster).</summary>
    public double[] PredictQuantiles(ReadOnlySpan<double> windows, int batch, ReadOnlySpan<float> ahead = default)
    {
        int w = Spec.Window, l = Spec.HistoryRows, ci = Spec.Inputs.Count, f = Spec.FeatureCount, a = f - ci, block = Spec.OutputSize;
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (windows.Length != batch * l * ci)
            throw new ArgumentException($"windows has {windows.Length} values; expected (B, L, C) = {batch}*{l}*{ci}" +
                (Spec.Lag > 0 ? $" (window {w} + {Spec.Lag} rows for differencing)" : "") + ".", nameof(windows));
        if (ahead.Length != batch * w * a)
            throw new ArgumentException($"ahead has {ahead.Length} values; expected (B, W, A) = {batch}*{w}*{a} (known-ahead columns and calendar features).", nameof(ahead));
        _codec ??= new WindowCodec(Spec);
        if (_x.Length < w * batch * f) _x = new float[w * batch * f];
        Span<float> x = _x.AsSpan(0, w * batch * f);
        for (int b = 0; b < batch; b++)
        {
            _codec.Load(windows.Slice(b * l * ci, l * ci));
            _codec.WriteInputs(x, batch, b, ahead.Slice(b * w * a, w * a));
        }
        Model.ResetState();
        ReadOnlySpan<float> y = Model.Forward(x, w, batch, training: false);
        var result = new double[batch * block];
        for (int b = 0; b < batch; b++)
        {
            _codec.Load(windows.Slice(b * l * ci, l * ci));
            _codec.DecodeOutputs(y.Slice(b * block, block), result.AsSpan(b * block, block));
        }
        return result;
    }

    /// <summary>
    /// Continues a series: <paramref name="history"/> is (rows, C_in) of the input columns in original units
    /// (rows ≥ L); returns (steps, C_target), each block of H steps predicted from the window that ends with the
    /// previous predictions. With known-ahead columns or calendar features, <paramref name="aheadRows"/> holds the
    /// features (<see cref="AheadRowsNeeded"/>(rows, steps), A) of every row (<see cref="ForecastSeries.AheadFeatures(ForecastSpec, ReadOnlySpan{double}, IReadOnlyList{DateTime}?, int)"/>).
    /// </summary>
    public double[] Continue(ReadOnlySpan<double> history, int rows, int steps, ReadOnlySpan<float> aheadRows = default)
    {
        double[] all = ContinueQuantiles(history, rows, steps, aheadRows);
        int q = Spec.QuantileCount, p = Spec.PointQuantile;
        if (q == 1) return all;
        var point = new double[all.Length / q];
        for (int i = 0; i < point.Length; i++) point[i] = all[i * q + p];
        return point;
    }

    /// <summary>
    /// Rows whose known-ahead and calendar features continuing <paramref name="rows"/> rows by <paramref name="steps"/>
    /// reads: the blocks of H steps end at row rows + H·⌈steps/H⌉, and the last window reads the features H rows ahead of its end.
    /// </summary>
    public int AheadRowsNeeded(int rows, int steps) => rows + Spec.Horizon * ((steps + Spec.Horizon - 1) / Spec.Horizon);

    /// <summary>
    /// As <see cref="Continue"/>, every quantile: (steps, C_target, Q). The series is continued with the point
    /// forecast (the quantile nearest 0.5), so beyond the first H steps the band is that of one block ahead of the
    /// point path, not of the accumulated uncertainty.
    /// </summary>
    public double[] ContinueQuantiles(ReadOnlySpan<double> history, int rows, int steps, ReadOnlySpan<float> aheadRows = default)
    {
        int w = Spec.Window, l = Spec.HistoryRows, ci = Spec.Inputs.Count, ct = Spec.Targets.Count, h = Spec.Horizon, q = Spec.QuantileCount, p = Spec.PointQuantile;
        int a = Spec.FeatureCount - ci;
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (rows < l) throw new ArgumentException($"continuing needs at least {l} rows of history (window {w}{(Spec.Lag > 0 ? $" + {Spec.Lag} for differencing" : "")}), got {rows}.", nameof(rows));
        if (history.Length != rows * ci) throw new ArgumentException($"history has {history.Length} values; expected (rows, C) = {rows}*{ci}.", nameof(history));
        int aheadNeeded = AheadRowsNeeded(rows, steps);
        if (a > 0 && aheadRows.Length < aheadNeeded * a)
            throw new ArgumentException($"the known-ahead and calendar features are needed for {aheadNeeded} rows; got {aheadRows.Length / a}.", nameof(aheadRows));
        int[] map = Spec.InputToTarget();
        int missing = Array.IndexOf(map, -1);
        if (missing >= 0)
            throw new ArgumentException($"the input column '{Spec.Inputs[missing].Label}' is not predicted, so the series cannot be continued " +
                "past the data; train with every input column among the targets.", nameof(history));
        // The series so far, (rows + predicted, C_in): the history, then every predicted step's values of the input columns.
        var series = new List<double>(history.ToArray());
        var result = new double[steps * ct * q];
        for (int done = 0; done < steps;)
        {
            int end = rows + done;  // rows known or predicted so far; the window is rows [end − L, end)
            ReadOnlySpan<float> ahead = a > 0 ? aheadRows.Slice((end - w + h) * a, w * a) : default;
            double[] all = PredictQuantiles(series.GetRange(series.Count - l * ci, l * ci).ToArray(), 1, ahead);  // (H, C_target, Q)
            int take = Math.Min(h, steps - done);
            Array.Copy(all, 0, result, done * ct * q, take * ct * q);
            for (int s = 0; s < h; s++)
                for (int k = 0; k < ci; k++) series.Add(all[(s * ct + map[k]) * q + p]);
            done += take;
        }
        return result;
    }
}
