// PredictForecast: `rnn predict FORECAST_MODEL --input series.csv --steps N --output OUT.csv [--from K] [--plot P.png]`
// — continues each series autoregressively from its first K rows (default: all) for N steps and writes
// time,[series,]column... rows in original units, with a column per quantile (name_q0.1, ...) for a quantile model.
// The first column is the file's time column continued: the model's calendar column, or else the first column the
// model neither reads nor predicts whose last rows are one regular step apart (dates, monthly "1949-01" months,
// years, counters; TimeAxis) — the file's own values while it has rows, then extrapolated. Without such a column it
// is "step", the row number. Known-ahead columns must have values in the file for every predicted step; those future
// rows may leave the predicted columns empty (or NA), and without --from the history ends before them. When the
// file has rows after K, those are the truth: the model's MAE and MASE beside the naive and seasonal-naive
// forecasts of the same steps are printed (ForecastReport), and the plot shows the truth, the forecast and, for a
// quantile model, the band between the outermost quantiles.
using System.CommandLine;
using System.Globalization;
using System.Text;
using Recurrent.Cli.Reporting;
using Recurrent.Forecasting;

namespace Recurrent.Cli.Commands;

internal static class PredictForecast
{
    public static int Execute(ParseResult parse, PredictCommand.Flags f, string modelPath)
    {
        PredictCommand.Reject(parse, "forecast", f.Beam, f.AttentionMap);
        Forecaster forecaster = ForecastFile.Load(modelPath);
        var spec = forecaster.Spec;
        int steps = parse.GetValue(f.Steps) ?? throw new UserFacingException("--steps N is needed: how many steps to predict.");
        if (steps <= 0) throw new UserFacingException($"--steps must be positive, got {steps}.");
        string input = Path.GetFullPath(parse.GetValue(f.Input)!);
        if (!File.Exists(input)) throw new UserFacingException($"the input file '{input}' does not exist.");
        var table = TimeSeriesTable.Read(input);
        int? fromFlag = parse.GetValue(f.From);
        IReadOnlyList<ForecastSegment> segments;
        if (fromFlag is int fk && (fk <= 0 || (spec.SeriesColumn is null && fk > table.Rows)))
            throw new UserFacingException($"--from {fk} is outside '{input}', which has {table.Rows} rows; give a row in {spec.HistoryRows}..{table.Rows}.");
        try { segments = ForecastSeries.SegmentsForModel(table, spec, fromFlag ?? int.MaxValue, allowMissing: true); }
        catch (ArgumentException e) { throw new UserFacingException(e.Message.Split(" (Parameter")[0]); }
        int ci = spec.Inputs.Count, ct = spec.Targets.Count, q = spec.QuantileCount, l = spec.HistoryRows;
        int timeColumn = spec.Calendar is { } cal ? table.ColumnIndex(cal.Column) : FindTimeColumn(table, spec);
        string[] names = [.. spec.Targets.Select(c => c.Label)];
        var csv = new StringBuilder();
        csv.Append(timeColumn >= 0 ? table.ColumnName(timeColumn) : "step");
        if (spec.SeriesColumn is string seriesName) csv.Append(',').Append(seriesName);
        foreach (string name in names)
        {
            csv.Append(',').Append(name);
            if (spec.Quantiles is { } levels) foreach (double level in levels) csv.Append(',').Append(name).Append("_q").Append(level.ToString("0.###", CultureInfo.InvariantCulture));
        }
        csv.Append('\n');
        var accuracies = new List<(ForecastSegment Segment, ForecastAccuracy Accuracy)>();
        (ForecastSegment Segment, double[] Quantiles, int From, DateTime[]? Dates)? plotted = null;
        string? dated = null;
        int? firstFrom = null;
        foreach (var seg in segments)
        {
            int from = seg.Split;
            if (from < l)
            {
                if (spec.SeriesColumn is null)
                    throw new UserFacingException($"--from must be in {l}..{table.Rows} (the model reads {l} rows; '{input}' has {table.Rows}), got {fromFlag ?? table.Rows}.");
                Console.Error.WriteLine($"skipped {seg.Label}: {seg.Rows} rows, fewer than the {l} the model reads");
                continue;
            }
            // Rows from the first missing value on are future rows: the history ends before them (or at --from).
            int known = FirstMissing(seg.Inputs, ci, seg.Rows);
            if (known < from)
            {
                if (fromFlag is not null)
                    throw new UserFacingException($"'{input}' line {table.FirstDataLine + seg.SourceRows[known]}: {seg.Label} has no value of " +
                        $"[{string.Join(", ", spec.Inputs.Select(c => c.Label))}] in row {known + 1}, which is history for --from {from}; fill it in, or give --from {known}.");
                from = known;
                if (from < l)
                    throw new UserFacingException($"'{input}' line {table.FirstDataLine + seg.SourceRows[from]}: {seg.Label} has {from} rows of values before its first empty one; the model reads {l}.");
            }
            float[] ahead = Ahead(forecaster, seg, from, steps, table, timeColumn);
            double[] all;
            try { all = forecaster.ContinueQuantiles(seg.Inputs.AsSpan(0, from * ci), from, steps, ahead); }
            catch (ArgumentException e) { throw new UserFacingException(e.Message.Split(" (Parameter")[0]); }
            var times = timeColumn >= 0 ? table.Texts(timeColumn) : null;
            TimeAxis? axis = times is null ? null : TimeAxis.Infer(seg.SourceRows.Select(r => times[r]).ToArray());
            firstFrom ??= from;
            plotted ??= (seg, all, from, axis is { IsDate: true } ? Dates(axis, seg.SourceRows.Select(r => times![r]).ToArray(), Math.Max(seg.Rows, from + steps)) : null);
            if (axis is not null && dated is null) dated = $", dated by column '{table.ColumnName(timeColumn)}' (step {axis.Step})";
            for (int s = 0; s < steps; s++)
            {
                int row = from + s;   // 0-based row of this step within the series
                csv.Append(axis is null || times is null ? (row + 1).ToString(CultureInfo.InvariantCulture)
                    : row < seg.Rows ? times[seg.SourceRows[row]] : axis.After(row - seg.Rows + 1));
                if (seg.Id is not null) csv.Append(',').Append(seg.Id);
                for (int k = 0; k < ct; k++)
                    for (int p = -1; p < (q > 1 ? q : 0); p++)
                        csv.Append(',').Append(all[(s * ct + k) * q + (p < 0 ? spec.PointQuantile : p)].ToString("R", CultureInfo.InvariantCulture));
                csv.Append('\n');
            }
            int truthSteps = Math.Min(steps, FirstMissing(seg.Targets, ct, seg.Rows) - from);
            if (truthSteps > 0 && from >= spec.Season)
                accuracies.Add((seg, Accuracy(spec, seg, from, truthSteps, all)));
        }
        if (parse.GetValue(f.Output) is string outPath)
        {
            PredictCommand.WriteOutput(outPath, csv.ToString());
            string which = segments.Count > 1 ? $"of {segments.Count} series " : "";
            Console.WriteLine($"wrote {steps} predicted steps {which}of [{string.Join(", ", names)}]{(spec.Quantiles is null ? "" : " with quantiles")} after row {firstFrom ?? fromFlag ?? segments[0].Split}{dated} to {Path.GetFullPath(outPath)}");
        }
        else Console.Write(csv);
        if (accuracies.Count > 0)
        {
            var a = ForecastAccuracy.Combine(accuracies.Select(x => x.Accuracy).ToArray());
            string rows = segments.Count == 1 ? $"the file's rows {accuracies[0].Segment.Split + 1}..{accuracies[0].Segment.Split + Math.Min(steps, accuracies[0].Segment.Rows - accuracies[0].Segment.Split)}" : $"the file's rows after each series' first {fromFlag}";
            Console.WriteLine($"against {rows}: " + ForecastReport.Summary(a, spec.Quantiles));
            if (ForecastReport.Verdict(a, spec) is string verdict) Console.WriteLine(verdict);
        }
        if (parse.GetValue(f.Plot) is string plotPath && plotted is var (pseg, pq, pfrom, pdates))
        {
            double[] point = new double[steps * ct], low = new double[steps * ct], high = new double[steps * ct];
            for (int i = 0; i < steps * ct; i++) { point[i] = pq[i * q + spec.PointQuantile]; low[i] = pq[i * q]; high[i] = pq[i * q + q - 1]; }
            string after = timeColumn >= 0 ? $"{table.Texts(timeColumn)[pseg.SourceRows[pfrom - 1]]} (row {pfrom})" : $"row {pfrom}";
            string title = (pseg.Id is null ? "" : $"{pseg.Label}: ") + $"forecast after {after}";
            ForecastPlot.Write(plotPath, names, pseg.Targets, pseg.Rows, point, pfrom, steps, title,
                q > 1 ? (low, high, $"q{spec.Quantiles![0].ToString("0.###", CultureInfo.InvariantCulture)}–q{spec.Quantiles[^1].ToString("0.###", CultureInfo.InvariantCulture)}") : null,
                pdates);
            Console.WriteLine($"plot: {Path.GetFullPath(plotPath)}{(segments.Count > 1 ? $" ({pseg.Label}, the first of {segments.Count})" : "")}");
        }
        return 0;
    }

    // The first row (of `rows`, each `columns` wide) with a missing (NaN) value, or `rows`.
    private static int FirstMissing(double[] values, int columns, int rows)
    {
        int i = Array.FindIndex(values, double.IsNaN);
        return i < 0 ? rows : i / columns;
    }

    // The date of each of the first `count` rows of a series: its own dates, then the axis continued; null when a
    // value does not parse in the axis' layout.
    private static DateTime[]? Dates(TimeAxis axis, string[] texts, int count)
    {
        var dates = new DateTime[count];
        for (int r = 0; r < count; r++)
        {
            if (r >= texts.Length) dates[r] = axis.DateAfter(r - texts.Length + 1);
            else if (!DateTime.TryParseExact(texts[r].Trim(), axis.Layout, CultureInfo.InvariantCulture, DateTimeStyles.None, out dates[r])) return null;
        }
        return dates;
    }

    // The model's accuracy on the steps the file has after `from`, beside the naive and seasonal-naive continuations
    // of the rows before it; MASE is scaled by those rows' seasonal-naive error.
    private static ForecastAccuracy Accuracy(ForecastSpec spec, ForecastSegment seg, int from, int truthSteps, double[] all)
    {
        int ct = spec.Targets.Count, q = spec.QuantileCount, n = truthSteps * ct;
        var naive = new double[n];
        var seasonal = new double[n];
        ForecastAccuracy.Baselines(seg.Targets, ct, from, truthSteps, spec.Season, naive, seasonal);
        double[] scale = Seasonality.SeasonalNaiveMae(seg.Targets, ct, from, spec.Season);
        var point = new double[n];
        for (int i = 0; i < n; i++) point[i] = all[i * q + spec.PointQuantile];
        var builder = new ForecastAccuracy.Builder(ct, spec.Season, scale, spec.Quantiles);
        builder.Add(point, seg.Targets.AsSpan(from * ct, n), naive, seasonal, q > 1 ? all.AsSpan(0, n * q) : default);
        return builder.Build();
    }

    // The known-ahead and calendar features of every row the continuation reads: the file's known values (which
    // must reach the last predicted step) and its dates, continued by the time axis past the file's end.
    private static float[] Ahead(Forecaster forecaster, ForecastSegment seg, int from, int steps, TimeSeriesTable table, int timeColumn)
    {
        var spec = forecaster.Spec;
        int a = spec.FeatureCount - spec.Inputs.Count;
        if (a == 0) return [];
        int rows = forecaster.AheadRowsNeeded(from, steps), ck = spec.Known?.Count ?? 0;
        if (ck > 0 && rows > seg.Rows)
            throw new UserFacingException($"the model reads the known-ahead column(s) [{string.Join(", ", spec.Known!.Select(c => c.Label))}] at each predicted step, " +
                $"so '{table.Path}' needs {rows} rows{(seg.Id is null ? "" : $" of {seg.Label}")} (--from {from} + --steps {steps}" +
                (rows - from > steps ? $", rounded up to whole blocks of the horizon {spec.Horizon}" : "") + $"); it has {seg.Rows}. " +
                "Add the future rows with their known values (their target values may be left empty), or predict fewer steps.");
        var known = new double[rows * ck];
        if (ck > 0) Array.Copy(seg.Known, known, rows * ck);
        if (Array.FindIndex(known, double.IsNaN) is int missing and >= 0)
            throw new UserFacingException($"'{table.Path}' line {table.FirstDataLine + seg.SourceRows[missing / ck]}: the known-ahead column '{spec.Known![missing % ck].Label}' " +
                "has no value, but the model reads it at that step; fill it in, or predict fewer steps.");
        DateTime[]? dates = null;
        if (spec.Calendar is not null)
        {
            dates = new DateTime[rows];
            Array.Copy(seg.Dates!, dates, Math.Min(rows, seg.Rows));
            if (rows > seg.Rows)
            {
                var texts = table.Texts(timeColumn);
                var axis = TimeAxis.Infer(seg.SourceRows.Select(r => texts[r]).ToArray())
                    ?? throw new UserFacingException($"the time column '{table.ColumnName(timeColumn)}' does not step regularly at the end of {seg.Label}, so the calendar past the file cannot be known.");
                for (int r = seg.Rows; r < rows; r++) dates[r] = axis.DateAfter(r - seg.Rows + 1);
            }
        }
        return ForecastSeries.AheadFeatures(spec, known, dates, rows);
    }

    // The time column: the first column the model does not use whose values step regularly; −1 if none.
    private static int FindTimeColumn(TimeSeriesTable table, ForecastSpec spec)
    {
        var taken = spec.Inputs.Concat(spec.Targets).Concat(spec.Known ?? []).Select(c => c.Name is not null && table.Header is not null ? table.Header.ToList().IndexOf(c.Name) : c.Index).ToHashSet();
        if (spec.SeriesColumn is string s) taken.Add(table.ColumnIndex(s));
        for (int j = 0; j < table.Columns; j++)
            if (!taken.Contains(j) && TimeAxis.Infer(table.Texts(j)) is not null) return j;
        return -1;
    }
}
