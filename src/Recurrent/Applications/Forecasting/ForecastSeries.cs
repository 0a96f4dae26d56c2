// ForecastSeries: a series made ready for training a forecaster — the chosen input and target columns, their
// standardisation fitted on the training part (the rows before the held-out tail; ForecastSpec.Fit), the
// standardised values, and the windows: window i reads rows [i, i+W) and predicts rows [i+W, i+W+H). Training
// windows lie wholly before the tail; validation windows predict rows wholly inside it (their input may reach back
// into the training rows). The original target values are kept for errors in the series' own units.
// Shapes: values (rows, C) row-major; a batch is inputs (W, B, C_in) time-major and targets (B, H·C_target).
namespace Recurrent.Forecasting;

/// <summary>The standardised series, its spec and its training and validation windows.</summary>
public sealed class ForecastSeries
{
    private readonly float[] _inputs;   // (rows, C_in) standardised
    private readonly float[] _targets;  // (rows, C_target) standardised
    private readonly double[] _targetValues; // (rows, C_target) original units

    private ForecastSeries(ForecastSpec spec, int rows, int split, float[] inputs, float[] targets, double[] targetValues, int[] train, int[] validation)
    {
        Spec = spec;
        Rows = rows;
        SplitRow = split;
        _inputs = inputs;
        _targets = targets;
        _targetValues = targetValues;
        TrainStarts = train;
        ValidationStarts = validation;
    }

    /// <summary>Columns, standardisation (fitted on the training rows), window and horizon.</summary>
    public ForecastSpec Spec { get; }
    /// <summary>Rows (time steps) of the series.</summary>
    public int Rows { get; }
    /// <summary>The first held-out row; the standardisation is fitted on rows [0, SplitRow).</summary>
    public int SplitRow { get; }
    /// <summary>First rows of the training windows.</summary>
    public IReadOnlyList<int> TrainStarts { get; }
    /// <summary>First rows of the validation windows.</summary>
    public IReadOnlyList<int> ValidationStarts { get; }

    /// <summary>
    /// The columns of <paramref name="table"/> named in <paramref name="inputs"/> and <paramref name="targets"/>
    /// (header names or 1-based numbers) with <paramref name="options"/>' window, horizon and held-out fraction.
    /// Throws ArgumentException for an unknown or repeated column, InvalidDataException naming line and column of a
    /// value that is not a number, ArgumentException when the series is too short for one training and one
    /// validation window.
    /// </summary>
    public static ForecastSeries FromTable(TimeSeriesTable table, IReadOnlyList<string> inputs, IReadOnlyList<string> targets, ForecastOptions options,
        ForecastSpec? standardisation = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Count == 0 || targets.Count == 0) throw new ArgumentException("Give at least one input and one target column.", nameof(inputs));
        int[] inIdx = inputs.Select(table.ColumnIndex).ToArray(), outIdx = targets.Select(table.ColumnIndex).ToArray();
        if (inIdx.Distinct().Count() != inIdx.Length) throw new ArgumentException("An input column is named twice.", nameof(inputs));
        if (outIdx.Distinct().Count() != outIdx.Length) throw new ArgumentException("A target column is named twice.", nameof(targets));
        string? Name(int i) => table.Header?[i];
        return FromValues(table.Values(inIdx), inIdx.Select(i => (Name(i), i)).ToList(), table.Values(outIdx), outIdx.Select(i => (Name(i), i)).ToList(),
            table.Rows, options, standardisation);
    }

    /// <summary>
    /// Row-major input values (rows, C_in) and target values (rows, C_target) with their column descriptions (name
    /// or null, 0-based index in the source), windowed and split as <paramref name="options"/> say.
    /// </summary>
    public static ForecastSeries FromValues(double[] inputValues, IReadOnlyList<(string? Name, int Index)> inputColumns,
        double[] targetValues, IReadOnlyList<(string? Name, int Index)> targetColumns, int rows, ForecastOptions options,
        ForecastSpec? standardisation = null)
    {
        ArgumentNullException.ThrowIfNull(inputValues);
        ArgumentNullException.ThrowIfNull(inputColumns);
        ArgumentNullException.ThrowIfNull(targetValues);
        ArgumentNullException.ThrowIfNull(targetColumns);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int w = options.Window, h = options.Horizon, ci = inputColumns.Count, ct = targetColumns.Count;
        if (ci == 0 || ct == 0) throw new ArgumentException("Give at least one input and one target column.", nameof(inputColumns));
        if (rows <= 0 || inputValues.Length != rows * ci || targetValues.Length != rows * ct)
            throw new ArgumentException($"The value arrays do not hold {rows} rows of {ci} inputs and {ct} targets.", nameof(inputValues));
        int split = (int)Math.Round(rows * (1 - options.ValidationFraction));
        int last = rows - w - h; // the last window's first row
        int[] train = Enumerable.Range(0, Math.Max(0, last + 1)).Where(i => i + w + h <= split).ToArray();
        int[] validation = Enumerable.Range(0, Math.Max(0, last + 1)).Where(i => i + w >= split).ToArray();
        if (train.Length == 0 || validation.Length == 0)
            throw new ArgumentException($"{rows} rows give {train.Length} training and {validation.Length} validation windows of {w} steps " +
                $"with horizon {h} (validation: the last {options.ValidationFraction:P0} of the rows); use a longer series, a shorter window or horizon, " +
                "or another validation fraction.", nameof(rows));
        if (standardisation is not null && (standardisation.Inputs.Count != ci || standardisation.Targets.Count != ct))
            throw new ArgumentException($"The model reads {standardisation.Inputs.Count} and predicts {standardisation.Targets.Count} columns; " +
                $"the series gives {ci} and {ct}.", nameof(standardisation));
        // Fine-tuning keeps the model's own standardisation (its weights were learnt on those scales); a new model
        // fits it on the training rows.
        var spec = standardisation is not null ? standardisation with { Window = w, Horizon = h }
            : new ForecastSpec(ForecastSpec.Fit(inputColumns, inputValues, split), ForecastSpec.Fit(targetColumns, targetValues, split), w, h);
        return new ForecastSeries(spec, rows, split, Standardise(inputValues, spec.Inputs), Standardise(targetValues, spec.Targets),
            (double[])targetValues.Clone(), train, validation);
    }

    /// <summary>
    /// Copies the windows starting at <paramref name="starts"/> into <paramref name="inputs"/> (W, B, C_in),
    /// time-major, and their standardised targets into <paramref name="targets"/> (B, H·C_target).
    /// </summary>
    internal void Fill(ReadOnlySpan<int> starts, Span<float> inputs, Span<float> targets)
    {
        int b = starts.Length, w = Spec.Window, ci = Spec.Inputs.Count, block = Spec.Horizon * Spec.Targets.Count, ct = Spec.Targets.Count;
        for (int k = 0; k < b; k++)
        {
            int s = starts[k];
            for (int t = 0; t < w; t++) _inputs.AsSpan((s + t) * ci, ci).CopyTo(inputs.Slice((t * b + k) * ci, ci));
            _targets.AsSpan((s + w) * ct, block).CopyTo(targets.Slice(k * block, block));
        }
    }

    /// <summary>The original target values the window starting at <paramref name="start"/> predicts, (H, C_target).</summary>
    internal ReadOnlySpan<double> Truth(int start)
    {
        int ct = Spec.Targets.Count;
        return _targetValues.AsSpan((start + Spec.Window) * ct, Spec.Horizon * ct);
    }

    private static float[] Standardise(double[] values, IReadOnlyList<ForecastColumn> columns)
    {
        int c = columns.Count;
        var z = new float[values.Length];
        for (int i = 0; i < values.Length; i++) z[i] = (float)columns[i % c].Normalize(values[i]);
        return z;
    }
}
