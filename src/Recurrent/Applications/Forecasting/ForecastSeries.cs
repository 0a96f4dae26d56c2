// ForecastSeries: a data set made ready for training or evaluating a forecaster — its series (ForecastSegment:
// one, or one per id of a long-format file's series column), the spec (columns, the scaling statistics fitted on
// the training rows, window, horizon, differencing, normalisation, season, quantiles, known-ahead columns,
// calendar), and its windows. Window (s) of a series reads rows [s, s+L) — L = W + the rows differencing consumes
// — and predicts rows [s+L, s+L+H). Training windows lie wholly before the series' held-out tail; validation
// windows predict rows wholly inside it (their input may reach back into the training rows). Windows of every
// series are drawn together, so one global model learns from all of them (per-window scaling makes them
// comparable). A WindowCodec turns each window into the network's inputs and targets and its outputs back into
// the series' units; the features read ahead (known columns, standardised with the training rows' statistics,
// and the calendar) are those of the row H steps after each window step.
// Shapes: a batch is inputs (W, B, F) time-major and targets (B, H·C_target).
using System.Globalization;

namespace Recurrent.Forecasting;

/// <summary>A window of one series: the series' position in <see cref="ForecastSeries.Segments"/> and the window's first row.</summary>
public readonly record struct ForecastWindowRef(int Segment, int Start);

/// <summary>The series of a forecasting data set, their spec and their training and validation windows.</summary>
public sealed class ForecastSeries
{
    private readonly float[][] _ahead;        // per segment (Rows, A): the features read ahead of each row
    private readonly WindowCodec _codec;
    private readonly double[] _history, _future, _encoded;
    private readonly float[] _aheadWindow;

    private ForecastSeries(ForecastSpec spec, IReadOnlyList<ForecastSegment> segments, IReadOnlyList<string> skipped, float[][] ahead)
    {
        Spec = spec;
        Segments = segments;
        SkippedSeries = skipped;
        _ahead = ahead;
        _codec = new WindowCodec(spec);
        _history = new double[spec.HistoryRows * spec.Inputs.Count];
        _future = new double[spec.Horizon * spec.Targets.Count];
        _encoded = new double[spec.Horizon * spec.Targets.Count];
        _aheadWindow = new float[spec.Window * (spec.FeatureCount - spec.Inputs.Count)];
        int l = spec.HistoryRows, h = spec.Horizon;
        var train = new List<ForecastWindowRef>();
        var validation = new List<ForecastWindowRef>();
        for (int g = 0; g < segments.Count; g++)
        {
            var seg = segments[g];
            for (int s = 0; s + l + h <= seg.Rows; s++)
            {
                if (s + l + h <= seg.Split) train.Add(new(g, s));
                if (s + l >= seg.Split && s + l >= spec.Season) validation.Add(new(g, s));
            }
        }
        Train = train;
        Validation = validation;
    }

    /// <summary>Columns, scaling, window, horizon and the rest of the model's settings.</summary>
    public ForecastSpec Spec { get; }
    /// <summary>The series (one unless the file has a series column).</summary>
    public IReadOnlyList<ForecastSegment> Segments { get; }
    /// <summary>Ids of series left out because they are too short for one training and one validation window.</summary>
    public IReadOnlyList<string> SkippedSeries { get; }
    /// <summary>
    /// Why seasonal differencing was or was not chosen when the options left it to the data (null when they named
    /// it, or for a model's own series), e.g. "the training rows' changes over a season keep one sign (mean/std 1.85)".
    /// </summary>
    public string? SeasonDifferenceChoice { get; private init; }
    /// <summary>Rows of all series together.</summary>
    public int Rows => Segments.Sum(s => s.Rows);
    /// <summary>Training windows (evaluating a model: none).</summary>
    public IReadOnlyList<ForecastWindowRef> Train { get; }
    /// <summary>Validation windows (evaluating a model: every window predicting rows from the series' Split on).</summary>
    public IReadOnlyList<ForecastWindowRef> Validation { get; }

    /// <summary>One series' columns named in <paramref name="inputs"/> and <paramref name="targets"/>; see the other overload.</summary>
    public static ForecastSeries FromTable(TimeSeriesTable table, IReadOnlyList<string> inputs, IReadOnlyList<string> targets, ForecastOptions options) =>
        FromTable(table, new ForecastDataSpec { Path = table.Path, Inputs = inputs, Targets = targets }, options);

    /// <summary>
    /// The columns of <paramref name="table"/> that <paramref name="data"/> names (header names or 1-based numbers;
    /// targets default to the last column, inputs to the targets), split and scaled as <paramref name="options"/> say.
    /// <paramref name="fixedSpec"/> (fine-tuning) keeps a model's own columns' statistics, season and settings.
    /// Throws ArgumentException for unknown, repeated or clashing columns and for a data set without one training
    /// and one validation window; InvalidDataException naming line and column of a value that is not a number or date.
    /// </summary>
    public static ForecastSeries FromTable(TimeSeriesTable table, ForecastDataSpec data, ForecastOptions options, ForecastSpec? fixedSpec = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        IReadOnlyList<string> targets = data.Targets is { Count: > 0 } t ? t : [table.ColumnName(table.Columns - 1)];
        IReadOnlyList<string> inputs = data.Inputs is { Count: > 0 } i ? i : targets;
        int[] inIdx = inputs.Select(table.ColumnIndex).ToArray(), outIdx = targets.Select(table.ColumnIndex).ToArray();
        int[] knownIdx = (data.Known ?? []).Select(table.ColumnIndex).ToArray();
        int timeIdx = data.TimeColumn is string tc ? table.ColumnIndex(tc) : -1, seriesIdx = data.SeriesColumn is string sc ? table.ColumnIndex(sc) : -1;
        if (inIdx.Distinct().Count() != inIdx.Length) throw new ArgumentException("An input column is named twice.", nameof(data));
        if (outIdx.Distinct().Count() != outIdx.Length) throw new ArgumentException("A target column is named twice.", nameof(data));
        if (knownIdx.Distinct().Count() != knownIdx.Length) throw new ArgumentException("A known-ahead column is named twice.", nameof(data));
        if (knownIdx.FirstOrDefault(k => inIdx.Contains(k) || outIdx.Contains(k), -1) is int clash and >= 0)
            throw new ArgumentException($"the column '{table.ColumnName(clash)}' is both known ahead and an input or target; a column is one or the other.", nameof(data));
        foreach (var (idx, what) in new[] { (timeIdx, "time"), (seriesIdx, "series") })
            if (idx >= 0 && (inIdx.Contains(idx) || outIdx.Contains(idx) || knownIdx.Contains(idx)))
                throw new ArgumentException($"the {what} column '{table.ColumnName(idx)}' cannot also be an input, target or known-ahead column.", nameof(data));
        if (timeIdx >= 0 && timeIdx == seriesIdx) throw new ArgumentException("The time and series columns must differ.", nameof(data));
        var inputCols = inIdx.Select(j => (table.Header?[j], j)).ToList();
        var targetCols = outIdx.Select(j => (table.Header?[j], j)).ToList();
        var knownCols = knownIdx.Select(j => (table.Header?[j], j)).ToList();

        var groups = Group(table, seriesIdx);
        CalendarFeatures? calendar = fixedSpec?.Calendar;
        if (fixedSpec is null && timeIdx >= 0)
        {
            var first = groups[0];
            var axis = TimeAxis.Infer(first.Rows.Select(r => table.Texts(timeIdx)[r]).ToArray())
                ?? throw new ArgumentException($"the time column '{table.ColumnName(timeIdx)}' does not step regularly at the end of {Name(first.Id)}, " +
                    "so its calendar cannot be read; fix the dates or drop --time-column.", nameof(data));
            calendar = CalendarFeatures.For(table.ColumnName(timeIdx), axis);
        }
        // Every series with its held-out tail; the season and the automatic seasonal differencing are read from their
        // training rows; then a series too short for a window on both sides is left out.
        var all = groups.Select(g => MakeSegment(table, g, inIdx, outIdx, knownIdx, timeIdx, calendar,
            (int)Math.Round(g.Rows.Length * (1 - options.ValidationFraction)))).ToList();
        int season = fixedSpec?.Season ?? options.Season ?? DetectSeason(all);
        string? automatic = null;
        int seasonDifference;
        if (fixedSpec is not null) seasonDifference = fixedSpec.SeasonDifference;
        else if (options.SeasonDifference is int given) seasonDifference = given;
        else (seasonDifference, automatic) = AutomaticSeasonDifference(all, season, options);
        int lag = seasonDifference + ((fixedSpec?.Difference ?? options.Difference) ? 1 : 0);
        int need = options.Window + lag + options.Horizon;
        var segments = new List<ForecastSegment>();
        var skipped = new List<string>();
        foreach (var seg in all)
        {
            int rows = seg.Rows, split = seg.Split;
            if (split < need || rows - split < options.Horizon || rows < need + 1)
            {
                if (seriesIdx < 0 || groups.Count == 1)
                    throw new ArgumentException($"{rows} rows give no training and validation window of {options.Window} steps with horizon {options.Horizon}" +
                        (lag > 0 ? $" and {lag} rows of differencing" : "") + $" (validation: the last {options.ValidationFraction:P0} of the rows); " +
                        "use a longer series, a shorter window or horizon, or another validation fraction.", nameof(table));
                skipped.Add(seg.Id!);
                continue;
            }
            segments.Add(seg);
        }
        if (segments.Count == 0)
            throw new ArgumentException($"none of the {groups.Count} series has {need + 1} rows or more, enough for a training and a validation window; " +
                "use a shorter window or horizon.", nameof(table));

        ForecastSpec spec;
        if (fixedSpec is not null)
        {
            if (fixedSpec.Inputs.Count != inIdx.Length || fixedSpec.Targets.Count != outIdx.Length || (fixedSpec.Known?.Count ?? 0) != knownIdx.Length)
                throw new ArgumentException($"The model reads {fixedSpec.Inputs.Count} and predicts {fixedSpec.Targets.Count} columns; the data gives {inIdx.Length} and {outIdx.Length}.", nameof(fixedSpec));
            spec = fixedSpec with { Window = options.Window, Horizon = options.Horizon };
        }
        else
        {
            var probe = new ForecastSpec([], [], options.Window, options.Horizon) { Difference = options.Difference, SeasonDifference = seasonDifference };
            spec = new ForecastSpec(
                ForecastSpec.Fit(inputCols, TrainingDifferences(segments, s => s.Inputs, inIdx.Length, probe)),
                ForecastSpec.Fit(targetCols, TrainingDifferences(segments, s => s.Targets, outIdx.Length, probe)),
                options.Window, options.Horizon)
            {
                Normalize = options.Normalize,
                Difference = options.Difference,
                SeasonDifference = seasonDifference,
                Season = season,
                Quantiles = options.Quantiles is { Count: > 0 } q ? q.ToArray() : null,
                Known = knownIdx.Length > 0 ? ForecastSpec.Fit(knownCols, segments.SelectMany(s => s.Known.Take(s.Split * knownIdx.Length)).ToArray()) : null,
                Calendar = calendar,
                SeriesColumn = seriesIdx >= 0 ? table.ColumnName(seriesIdx) : null,
            };
        }
        _ = new WindowCodec(spec); // refuses a target that is not an input under window scaling or differencing
        var series = new ForecastSeries(spec, segments, skipped, segments.Select(s => AheadFeatures(spec, s)).ToArray()) { SeasonDifferenceChoice = automatic };
        if (series.Validation.Count == 0)
            throw new ArgumentException($"no validation window predicts rows after the season of {spec.Season} steps the baselines need; " +
                "use a longer series, a larger --val-fraction, or give a shorter --season.", nameof(table));
        return series;
    }

    /// <summary>
    /// The series of <paramref name="table"/> as <paramref name="spec"/>'s model reads them (its columns, by name when
    /// both have headers, else by position), for evaluating: every window whose forecast starts at or after row
    /// <paramref name="from"/> (0-based, per series; null: every window) is a validation window and the rows before it
    /// are the history MASE is scaled by (without <paramref name="from"/>: the whole series). Throws ArgumentException
    /// naming what is missing.
    /// </summary>
    public static ForecastSeries ForModel(TimeSeriesTable table, ForecastSpec spec, int? from = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(spec);
        int first = Math.Max(spec.HistoryRows, spec.Season);
        int split = Math.Max(from ?? first, first);
        var all = SegmentsForModel(table, spec, split);
        if (from is null) all = all.Select(s => s.WithScaleRows(s.Rows)).ToArray(); // no history/test split: MASE scaled by the whole series
        var segments = all.Where(s => s.Rows >= split + spec.Horizon).ToList();
        var skipped = all.Where(s => s.Rows < split + spec.Horizon).Select(s => s.Id ?? "").ToList();
        if (segments.Count == 0)
            throw new ArgumentException(spec.SeriesColumn is null
                ? $"'{table.Path}' has {table.Rows} rows; the model needs at least {split + spec.Horizon} ({split} rows of history — window {spec.Window}" +
                  $"{(spec.Lag > 0 ? $" + {spec.Lag} for differencing" : "")}{(spec.Season > spec.HistoryRows ? $", season {spec.Season} for the baseline" : "")}" +
                  $"{(from is int f && f > first ? $", or --from {f}" : "")} — and horizon {spec.Horizon})."
                : $"no series in '{table.Path}' has {split + spec.Horizon} rows, enough for one forecast after {split} rows of history.", nameof(table));
        return new ForecastSeries(spec, segments, skipped, segments.Select(s => AheadFeatures(spec, s)).ToArray());
    }

    /// <summary>
    /// Every series of <paramref name="table"/> in the columns <paramref name="spec"/>'s model reads (by name when both
    /// have headers, else by position), each with its history ending at row <paramref name="split"/> (capped at its length).
    /// With <paramref name="allowMissing"/>, missing values (empty, NA) read as NaN: future rows to be predicted.
    /// </summary>
    public static IReadOnlyList<ForecastSegment> SegmentsForModel(TimeSeriesTable table, ForecastSpec spec, int split, bool allowMissing = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(spec);
        int[] inIdx = spec.Inputs.Select(c => Locate(table, c)).ToArray(), outIdx = spec.Targets.Select(c => Locate(table, c)).ToArray();
        int[] knownIdx = (spec.Known ?? []).Select(c => Locate(table, c)).ToArray();
        int timeIdx = spec.Calendar is { } cal ? table.ColumnIndex(cal.Column) : -1;
        int seriesIdx = spec.SeriesColumn is string sc ? table.ColumnIndex(sc) : -1;
        return Group(table, seriesIdx).Select(g => MakeSegment(table, g, inIdx, outIdx, knownIdx, timeIdx, spec.Calendar, Math.Min(split, g.Rows.Length), allowMissing)).ToArray();
    }

    /// <summary>
    /// Copies the windows <paramref name="windows"/> into <paramref name="inputs"/> (W, B, F), time-major, and their
    /// scaled targets into <paramref name="targets"/> (B, H·C_target).
    /// </summary>
    public void Fill(ReadOnlySpan<ForecastWindowRef> windows, Span<float> inputs, Span<float> targets)
    {
        int b = windows.Length, block = Spec.Horizon * Spec.Targets.Count;
        for (int k = 0; k < b; k++)
        {
            Load(windows[k]);
            _codec.WriteInputs(inputs, b, k, _aheadWindow);
            Truth(windows[k]).CopyTo(_future);
            _codec.EncodeTargets(_future, _encoded);
            for (int i = 0; i < block; i++) targets[k * block + i] = (float)_encoded[i];
        }
    }

    /// <summary>The network's outputs for one window, (H, C_target, Q) scaled, in the series' units.</summary>
    public void Decode(ForecastWindowRef window, ReadOnlySpan<float> outputs, Span<double> destination)
    {
        Load(window);
        _codec.DecodeOutputs(outputs, destination);
    }

    /// <summary>The true target values (H, C_target) a window predicts.</summary>
    public ReadOnlySpan<double> Truth(ForecastWindowRef window)
    {
        int ct = Spec.Targets.Count;
        return Segments[window.Segment].Targets.AsSpan((window.Start + Spec.HistoryRows) * ct, Spec.Horizon * ct);
    }

    /// <summary>The naive and seasonal-naive forecasts (H, C_target) of a window.</summary>
    public void Baselines(ForecastWindowRef window, Span<double> naive, Span<double> seasonalNaive) =>
        ForecastAccuracy.Baselines(Segments[window.Segment].Targets, Spec.Targets.Count, window.Start + Spec.HistoryRows, Spec.Horizon, Spec.Season, naive, seasonalNaive);

    /// <summary>The in-sample seasonal-naive MAE of each target column of a series: its first ScaleRows rows.</summary>
    public double[] MaseScale(int segment)
    {
        var seg = Segments[segment];
        return Seasonality.SeasonalNaiveMae(seg.Targets, Spec.Targets.Count, seg.ScaleRows, Spec.Season);
    }

    // Puts a window's history and the features it reads ahead into the codec.
    private void Load(ForecastWindowRef window)
    {
        var seg = Segments[window.Segment];
        int ci = Spec.Inputs.Count, l = Spec.HistoryRows, a = _aheadWindow.Length / Spec.Window;
        seg.Inputs.AsSpan(window.Start * ci, l * ci).CopyTo(_history);
        _codec.Load(_history);
        if (a > 0) _ahead[window.Segment].AsSpan((window.Start + Spec.Lag + Spec.Horizon) * a, Spec.Window * a).CopyTo(_aheadWindow);
    }

    /// <summary>
    /// The features read ahead of each row — the known columns standardised, then the calendar — (rows, A) for
    /// the known values (rows, C_known) and dates (rows; null without a calendar).
    /// </summary>
    public static float[] AheadFeatures(ForecastSpec spec, ReadOnlySpan<double> known, IReadOnlyList<DateTime>? dates, int rows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int ck = spec.Known?.Count ?? 0, cc = spec.Calendar?.Count ?? 0, a = ck + cc;
        var features = new float[rows * a];
        if (a == 0) return features;
        if (known.Length < rows * ck) throw new ArgumentException($"known has {known.Length} values; expected (rows, C_known) = {rows}*{ck}.", nameof(known));
        if (cc > 0 && (dates is null || dates.Count < rows)) throw new ArgumentException($"the calendar needs {rows} dates.", nameof(dates));
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < ck; k++) features[r * a + k] = (float)spec.Known![k].Normalize(known[r * ck + k]);
            if (cc > 0) spec.Calendar!.Write(dates![r], features.AsSpan(r * a + ck, cc));
        }
        return features;
    }

    private static float[] AheadFeatures(ForecastSpec spec, ForecastSegment s) => AheadFeatures(spec, s.Known, s.Dates, s.Rows);

    private static ForecastSegment MakeSegment(TimeSeriesTable table, (string? Id, int[] Rows) g, int[] inIdx, int[] outIdx, int[] knownIdx,
        int timeIdx, CalendarFeatures? calendar, int split, bool allowMissing = false)
    {
        double[] Values(int[] columns) => table.Values(columns, g.Rows, allowMissing);
        DateTime[]? dates = null;
        if (calendar is not null)
        {
            var texts = table.Texts(timeIdx);
            dates = new DateTime[g.Rows.Length];
            for (int r = 0; r < dates.Length; r++)
            {
                try { dates[r] = calendar.Parse(texts[g.Rows[r]]); }
                catch (InvalidDataException e) { throw new InvalidDataException($"'{table.Path}' line {table.FirstDataLine + g.Rows[r]}: {e.Message}"); }
                if (r > 0 && dates[r] <= dates[r - 1])
                    throw new InvalidDataException($"'{table.Path}' line {table.FirstDataLine + g.Rows[r]}: the time column '{calendar.Column}' goes from " +
                        $"{texts[g.Rows[r - 1]]} to {texts[g.Rows[r]]}; the rows {(g.Id is null ? "" : $"of series '{g.Id}' ")}must be in time order, oldest first, one row per time step.");
            }
        }
        return new ForecastSegment(g.Id, g.Rows, Values(inIdx), Values(outIdx), Values(knownIdx), dates, split);
    }

    // The rows of each series in file order, series in order of first appearance; one group without a series column.
    private static List<(string? Id, int[] Rows)> Group(TimeSeriesTable table, int seriesIdx)
    {
        if (seriesIdx < 0) return [(null, Enumerable.Range(0, table.Rows).ToArray())];
        var order = new List<string>();
        var rows = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var ids = table.Texts(seriesIdx);
        for (int r = 0; r < table.Rows; r++)
        {
            if (!rows.TryGetValue(ids[r], out var list)) { rows[ids[r]] = list = []; order.Add(ids[r]); }
            list.Add(r);
        }
        return order.Select(id => ((string?)id, rows[id].ToArray())).ToList();
    }

    // Differenced values (as the network sees them before scaling) of the training rows of every series, (N, C).
    private static double[] TrainingDifferences(List<ForecastSegment> segments, Func<ForecastSegment, double[]> values, int c, ForecastSpec probe)
    {
        var result = new List<double>();
        int s = probe.SeasonDifference, lag = probe.Lag;
        foreach (var seg in segments)
        {
            double[] v = values(seg);
            for (int r = lag; r < seg.Split; r++)
                for (int k = 0; k < c; k++)
                    result.Add(v[r * c + k] - WindowCodec.Past(v, c, k, r, s, probe.Difference));
        }
        return result.ToArray();
    }

    // Seasonal differencing when the data has a season and its changes over one season keep one sign in most series'
    // training rows — a trend, or a season growing with the level — which per-window scaling alone follows poorly
    // over a whole season; not for a steady seasonal series (temperatures), where it only doubles the noise.
    private static (int Lag, string Reason) AutomaticSeasonDifference(List<ForecastSegment> segments, int season, ForecastOptions options)
    {
        if (season < 2) return (0, "no season");
        int ct = segments[0].Targets.Length / Math.Max(1, segments[0].Rows);
        var ratios = segments.Where(seg => seg.Split > season + 1)
            .Select(seg => Seasonality.SeasonalTrend(Enumerable.Range(0, seg.Split).Select(r => seg.Targets[r * ct]).ToArray(), season)).ToArray();
        if (ratios.Length == 0) return (0, "too few training rows to judge");
        int trending = ratios.Count(r => Math.Abs(r) >= Seasonality.SeasonalTrendThreshold);
        double median = ratios.Order().ElementAt(ratios.Length / 2);
        string measure = ratios.Length == 1 ? $"mean/std {median:0.##}" : $"{trending} of {ratios.Length} series";
        bool room = segments.Count(seg => seg.Split >= options.Window + season + (options.Difference ? 1 : 0) + options.Horizon) * 2 > segments.Count;
        if (trending * 2 > ratios.Length && room)
            return (season, $"the training rows' changes over a season keep one sign ({measure}; at least {Seasonality.SeasonalTrendThreshold:0.##})");
        return (0, trending * 2 > ratios.Length
            ? "the series is too short for a season of differencing"
            : $"the training rows' changes over a season do not keep one sign ({measure}; below {Seasonality.SeasonalTrendThreshold:0.##})");
    }

    // The season most series' training rows show (of the first target column).
    private static int DetectSeason(List<ForecastSegment> segments)
    {
        int ct = segments[0].Targets.Length / segments[0].Rows;
        return segments.Select(seg => Seasonality.Detect(Enumerable.Range(0, seg.Split).Select(r => seg.Targets[r * ct]).ToArray()).Season)
            .GroupBy(x => x).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
    }

    private static int Locate(TimeSeriesTable table, ForecastColumn column)
    {
        if (column.Name is not null && table.Header is not null)
        {
            for (int j = 0; j < table.Header.Count; j++) if (table.Header[j] == column.Name) return j;
            throw new ArgumentException($"'{table.Path}' has no column '{column.Name}', which the model reads.", nameof(table));
        }
        if (column.Index >= table.Columns)
            throw new ArgumentException($"'{table.Path}' has {table.Columns} columns; the model reads column {column.Index + 1}.", nameof(table));
        return column.Index;
    }

    private static string Name(string? id) => id is null ? "the series" : string.Create(CultureInfo.InvariantCulture, $"series '{id}'");
}
