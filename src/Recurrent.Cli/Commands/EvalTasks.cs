// EvalTasks: `rnn eval MODEL --data FILE` for task models. seq2seq: greedy-decodes the sources of a TSV of
// source<TAB>target pairs and prints sequence (exact-match) and per-token accuracy. forecast: predicts every
// window of the CSV series (the next H steps from each W rows) and prints MSE and MAE in original units.
using System.Globalization;
using System.Text.Json;
using Recurrent.Forecasting;
using Recurrent.Seq2Seq;

namespace Recurrent.Cli.Commands;

internal static class EvalTasks
{
    public static int Execute(string task, string modelPath, string[] data, bool json)
    {
        if (data.Length != 1) throw new UserFacingException($"evaluating a {task} model needs --data with exactly one file.");
        string file = Path.GetFullPath(data[0]);
        if (!File.Exists(file)) throw new UserFacingException($"the data file '{file}' does not exist.");
        return task switch
        {
            Seq2SeqFile.Task => Seq2Seq(modelPath, file, json),
            ForecastFile.Task => Forecast(modelPath, file, json),
            _ => throw new UserFacingException($"'{modelPath}' is a '{task}' model, which `rnn eval` in this build cannot evaluate."),
        };
    }

    private static int Seq2Seq(string modelPath, string file, bool json)
    {
        var loaded = Seq2SeqFile.Load(modelPath);
        var pairs = Seq2SeqData.ReadTsv(file);
        for (int i = 0; i < pairs.Count; i++)
        {
            try { Seq2SeqData.EncodeSource(loaded.Vocabulary, loaded.Model.Config, pairs[i].Source); }
            catch (ArgumentException e) { throw new UserFacingException($"'{file}' pair {i + 1}: {e.Message.Split(" (Parameter")[0]}"); }
        }
        string[] predictions = Seq2SeqPredictor.Predict(loaded.Model, loaded.Vocabulary, pairs.Select(p => p.Source).ToList());
        var m = Seq2SeqMetrics.Compute(predictions, pairs.Select(p => p.Target).ToList());
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = modelPath, ["data"] = file, ["pairs"] = m.Count, ["sequence_accuracy"] = m.SequenceAccuracy,
                ["token_accuracy"] = m.TokenAccuracy, ["tokens_correct"] = m.TokensCorrect, ["tokens_total"] = m.TokensTotal,
            }));
            return 0;
        }
        int exact = (int)Math.Round(m.SequenceAccuracy * m.Count);
        Console.WriteLine($"model: {modelPath}; seq2seq, greedy decoding");
        Console.WriteLine($"data: {file}; {m.Count} pairs");
        Console.WriteLine($"sequence accuracy: {Percent(m.SequenceAccuracy)} ({exact}/{m.Count} exact)");
        Console.WriteLine($"per-token accuracy: {Percent(m.TokenAccuracy)} ({m.TokensCorrect}/{m.TokensTotal} target positions, end included)");
        return 0;
    }

    private static int Forecast(string modelPath, string file, bool json)
    {
        Forecaster forecaster = ForecastFile.Load(modelPath);
        var spec = forecaster.Spec;
        var table = TimeSeriesTable.Read(file);
        int w = spec.Window, h = spec.Horizon, ci = spec.Inputs.Count, ct = spec.Targets.Count;
        int windows = table.Rows - w - h + 1;
        if (windows <= 0) throw new UserFacingException($"'{file}' has {table.Rows} rows; the model needs at least {w + h} (window {w} + horizon {h}).");
        int[] inIdx = spec.Inputs.Select(c => Column(table, c)).ToArray(), outIdx = spec.Targets.Select(c => Column(table, c)).ToArray();
        double[] x = table.Values(inIdx), y = table.Values(outIdx);
        var predictions = new double[windows * h * ct];
        var truths = new double[windows * h * ct];
        const int Chunk = 256;
        for (int at = 0; at < windows; at += Chunk)
        {
            int b = Math.Min(Chunk, windows - at);
            var batch = new double[b * w * ci];
            for (int k = 0; k < b; k++) Array.Copy(x, (at + k) * ci, batch, k * w * ci, w * ci);
            forecaster.PredictWindows(batch, b).CopyTo(predictions, at * h * ct);
            for (int k = 0; k < b; k++) Array.Copy(y, (at + k + w) * ct, truths, (at + k) * h * ct, h * ct);
        }
        var m = ForecastMetrics.Compute(predictions, truths);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = modelPath, ["data"] = file, ["windows"] = windows, ["values"] = m.Count, ["mse"] = m.Mse, ["mae"] = m.Mae,
            }));
            return 0;
        }
        Console.WriteLine($"model: {modelPath}; forecast, window {w}, horizon {h}");
        Console.WriteLine($"data: {file}; {table.Rows} rows, {windows} windows");
        Console.WriteLine($"MSE: {m.Mse.ToString("G6", CultureInfo.InvariantCulture)} (original units, {m.Count} values)");
        Console.WriteLine($"MAE: {m.Mae.ToString("G6", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static string Percent(double v) => (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static int Column(TimeSeriesTable table, ForecastColumn c)
    {
        if (c.Name is not null && table.Header is not null)
        {
            int j = table.Header.ToList().IndexOf(c.Name);
            return j >= 0 ? j : throw new UserFacingException($"'{table.Path}' has no column '{c.Name}', which the model reads.");
        }
        return c.Index < table.Columns ? c.Index : throw new UserFacingException($"'{table.Path}' has {table.Columns} columns; the model reads column {c.Index + 1}.");
    }
}
