// PredictForecast: `rnn predict FORECAST_MODEL --input series.csv --steps N --output OUT.csv [--from K] [--plot P.png]`
// — continues the series autoregressively from its first K rows (default: all) for N steps and writes
// time,column... rows in original units. The first column is the file's time column continued: the first column
// the model neither reads nor predicts whose last rows are one regular step apart (dates, monthly "1949-01"
// months, years, counters; TimeAxis) — the file's own values while it has rows, then extrapolated. Without such a
// column it is "step", the row number. When the file has rows after K, those are the truth: MSE and MAE over
// the overlapping steps are printed and the plot shows both.
using System.CommandLine;
using System.Globalization;
using System.Text;
using Recurrent.Cli.Reporting;
using Recurrent.Forecasting;
using Recurrent.Serialization;

namespace Recurrent.Cli.Commands;

internal static class PredictForecast
{
    public static int Execute(ParseResult parse, PredictCommand.Flags f, string modelPath)
    {
        PredictCommand.Reject(parse, "forecast", f.Beam);
        Forecaster forecaster = ForecastFile.Load(modelPath);
        var spec = forecaster.Spec;
        int steps = parse.GetValue(f.Steps) ?? throw new UserFacingException("--steps N is needed: how many steps to predict.");
        if (steps <= 0) throw new UserFacingException($"--steps must be positive, got {steps}.");
        string input = Path.GetFullPath(parse.GetValue(f.Input)!);
        if (!File.Exists(input)) throw new UserFacingException($"the input file '{input}' does not exist.");
        var table = TimeSeriesTable.Read(input);
        int from = parse.GetValue(f.From) ?? table.Rows;
        if (from < spec.Window || from > table.Rows)
            throw new UserFacingException($"--from must be in {spec.Window}..{table.Rows} (the model reads {spec.Window} rows; '{input}' has {table.Rows}), got {from}.");
        int[] inputColumns = spec.Inputs.Select(c => Find(table, c)).ToArray();
        int[] targetColumns = spec.Targets.Select(c => Find(table, c)).ToArray();
        double[] history = table.Values(inputColumns);
        double[] predictions;
        try { predictions = forecaster.Continue(history.AsSpan(0, from * inputColumns.Length), from, steps); }
        catch (ArgumentException e) { throw new UserFacingException(e.Message.Split(" (Parameter")[0]); }

        int ct = targetColumns.Length, truthSteps = Math.Min(steps, table.Rows - from);
        double[] allTruth = table.Values(targetColumns);
        var (timeColumn, axis) = FindTimeColumn(table, inputColumns.Concat(targetColumns));
        IReadOnlyList<string> times = timeColumn >= 0 ? table.Texts(timeColumn) : [];
        var csv = new StringBuilder();
        csv.Append(timeColumn >= 0 ? table.ColumnName(timeColumn) : "step").Append(',')
            .AppendJoin(',', spec.Targets.Select(c => c.Label)).Append('\n');
        for (int s = 0; s < steps; s++)
        {
            int row = from + s;   // 0-based row of this step
            csv.Append(axis is null ? (row + 1).ToString(CultureInfo.InvariantCulture)
                : row < table.Rows ? times[row] : axis.After(row - table.Rows + 1));
            for (int k = 0; k < ct; k++) csv.Append(',').Append(predictions[s * ct + k].ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        if (parse.GetValue(f.Output) is string outPath)
        {
            PredictCommand.WriteOutput(outPath, csv.ToString());
            string dated = axis is null ? "" : $", dated by column '{table.ColumnName(timeColumn)}' (step {axis.Step})";
            Console.WriteLine($"wrote {steps} predicted steps of [{string.Join(", ", spec.Targets.Select(c => c.Label))}] after row {from}{dated} to {Path.GetFullPath(outPath)}");
        }
        else Console.Write(csv);
        if (truthSteps > 0)
        {
            var m = ForecastMetrics.Compute(predictions.AsSpan(0, truthSteps * ct), allTruth.AsSpan(from * ct, truthSteps * ct));
            Console.WriteLine($"against the file's rows {from + 1}..{from + truthSteps}: MSE {m.Mse.ToString("G6", CultureInfo.InvariantCulture)}, " +
                              $"MAE {m.Mae.ToString("G6", CultureInfo.InvariantCulture)} ({m.Count} values, original units)");
        }
        if (parse.GetValue(f.Plot) is string plotPath)
        {
            ForecastPlot.Write(plotPath, spec.Targets.Select(c => c.Label).ToArray(), allTruth, table.Rows, predictions, from, steps);
            Console.WriteLine($"plot: {Path.GetFullPath(plotPath)}");
        }
        return 0;
    }

    // The time column: the first column the model does not use whose values step regularly, with its axis; (-1, null) if none.
    private static (int Column, TimeAxis? Axis) FindTimeColumn(TimeSeriesTable table, IEnumerable<int> used)
    {
        var taken = used.ToHashSet();
        for (int j = 0; j < table.Columns; j++)
            if (!taken.Contains(j) && TimeAxis.Infer(table.Texts(j)) is { } axis) return (j, axis);
        return (-1, null);
    }

    // The column the model was trained on: by header name when both files have headers, else by position.
    private static int Find(TimeSeriesTable table, ForecastColumn column)
    {
        if (column.Name is not null && table.Header is not null)
        {
            for (int j = 0; j < table.Header.Count; j++) if (table.Header[j] == column.Name) return j;
            throw new UserFacingException($"'{table.Path}' has no column '{column.Name}', which the model reads.");
        }
        if (column.Index >= table.Columns)
            throw new UserFacingException($"'{table.Path}' has {table.Columns} columns; the model reads column {column.Index + 1}.");
        return column.Index;
    }
}
