// EvalTasks: `rnn eval MODEL --data FILE` for task models. seq2seq: greedy-decodes the sources of a TSV of
// source<TAB>target pairs and prints sequence (exact-match) and per-token accuracy. forecast: predicts every
// window of the CSV series (or those after --from K) and prints MAE, MASE and MSE in the series' units beside the
// naive and seasonal-naive baselines of the same windows (ForecastReport), per series for a many-series model.
// caption: captions the pictures a captions file names and prints corpus BLEU-1..4 against their references.
using System.Globalization;
using System.Text.Json;
using Recurrent.Cli.Reporting;
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

    /// <summary>
    /// `rnn eval FORECAST_MODEL --data FILE [--from K]`: every window of each series whose forecast starts at row K or
    /// later (default: every window), scored in the series' units beside the naive and seasonal-naive forecasts of
    /// the same windows, MASE scaled by each series' rows before its first forecast, quantile coverage; per series
    /// and overall when the model has a series column.
    /// </summary>
    public static int Forecast(string modelPath, string[] data, int? from, bool json)
    {
        if (data.Length != 1) throw new UserFacingException("evaluating a forecast model needs --data with exactly one file.");
        string file = Path.GetFullPath(data[0]);
        if (!File.Exists(file)) throw new UserFacingException($"the data file '{file}' does not exist.");
        if (from is int k && k <= 0) throw new UserFacingException($"--from must be positive, got {k}.");
        Forecaster forecaster = ForecastFile.Load(modelPath);
        var spec = forecaster.Spec;
        var table = TimeSeriesTable.Read(file);
        ForecastSeries series;
        try { series = ForecastSeries.ForModel(table, spec, from); }
        catch (ArgumentException e) { throw new UserFacingException(e.Message.Split(" (Parameter")[0]); }
        var e2 = ForecastEvaluation.Run(forecaster.Model, series, series.Validation);
        var a = e2.Overall;
        string? Id(int segment) => series.Segments[segment].Id;
        if (json)
        {
            var o = new Dictionary<string, object?> { ["model"] = modelPath, ["data"] = file, ["windows"] = e2.Windows, ["window"] = spec.Window, ["horizon"] = spec.Horizon };
            foreach (var (key, value) in ForecastReport.Json(a, spec.Quantiles)) o[key] = value;
            if (spec.SeriesColumn is not null)
                o["series"] = e2.PerSeries.Select(p => new Dictionary<string, object?>(ForecastReport.Json(p.Accuracy, spec.Quantiles)) { ["id"] = Id(p.Segment) }).ToArray();
            Console.WriteLine(JsonSerializer.Serialize(o));
            return 0;
        }
        Console.WriteLine($"model: {modelPath}; forecast, window {spec.Window}, horizon {spec.Horizon}; {ForecastReport.Scaling(spec)}");
        int firstForecast = series.Segments.Min(s => s.Split) + 1;
        string first = from is int f
            ? $"forecasts of rows {firstForecast} on{(firstForecast > f + 1 ? $" (the model needs {firstForecast - 1} rows before its first forecast)" : "")}; MASE scaled by the rows before"
            : $"every window (forecasts of rows {firstForecast} on); MASE scaled by the whole series";
        Console.WriteLine($"data: {file}; {table.Rows} rows{(series.Segments.Count > 1 ? $", {series.Segments.Count} series" : "")}; {first}: {e2.Windows} windows");
        if (series.SkippedSeries.Count > 0) Console.WriteLine($"skipped {series.SkippedSeries.Count} series too short for a forecast: {string.Join(", ", series.SkippedSeries.Take(10))}");
        if (spec.SeriesColumn is not null)
            foreach (var (segment, accuracy) in e2.PerSeries)
                Console.WriteLine($"  {Id(segment)}: MAE {accuracy.Mae.ToString("G4", CultureInfo.InvariantCulture)}, MASE {accuracy.Mase.ToString("G4", CultureInfo.InvariantCulture)}, " +
                                  $"naive {accuracy.NaiveMae.ToString("G4", CultureInfo.InvariantCulture)}, seasonal naive {accuracy.SeasonalNaiveMae.ToString("G4", CultureInfo.InvariantCulture)}");
        Console.WriteLine((spec.SeriesColumn is not null ? "overall (errors pooled over the series' values, MASE the mean of theirs): " : "") + ForecastReport.Summary(a, spec.Quantiles));
        if (ForecastReport.Verdict(a, spec) is string verdict) Console.WriteLine(verdict);
        return 0;
    }

    /// <summary>
    /// `rnn eval CAPTION_MODEL --data captions.tsv --images DIR [--beam K]`: captions every picture the file names
    /// (features through ResNet18, not cached) and prints corpus BLEU-1..4 of the captions against all of each
    /// picture's reference captions (Bleu.Corpus: clipped n-gram precisions, the brevity penalty from the closest
    /// reference lengths), with the n-gram precisions and the lengths they came from.
    /// </summary>
    public static int Caption(string modelPath, string[] data, string? images, int beam, bool json)
    {
        if (data.Length != 1) throw new UserFacingException("evaluating a caption model needs --data with exactly one captions file (file name<TAB>caption lines).");
        if (images is null) throw new UserFacingException("evaluating a caption model needs --images DIR, the folder of the pictures the captions file names.");
        if (beam <= 0) throw new UserFacingException($"--beam must be positive, got {beam}.");
        var captioner = TrainCommand.Map(() => Recurrent.Captioning.CaptionFile.Load(modelPath));
        var grid = CaptionImageData.GridOf(captioner.Features, modelPath);
        string file = Path.GetFullPath(data[0]);
        var set = CaptionImageData.Load(images, file, cacheDirectory: null, quiet: json, grid);
        var references = new List<IReadOnlyList<IReadOnlyList<string>>>(set.Count);
        var hypotheses = new List<IReadOnlyList<string>>(set.Count);
        foreach (var image in set)
        {
            references.Add(image.Captions.Select(c => (IReadOnlyList<string>)Recurrent.Captioning.CaptionVocabulary.Tokenize(c)).ToList());
            hypotheses.Add(captioner.Caption(image.Pooled, image.Grid, beam).Ids.Select(captioner.Vocabulary.Word).ToList()); // as validation scores them
        }
        var bleu = Recurrent.Captioning.Bleu.Corpus(references, hypotheses);
        int captions = set.Sum(i => i.Captions.Count);
        if (json)
        {
            var o = new Dictionary<string, object> { ["model"] = modelPath, ["data"] = file, ["images"] = set.Count, ["captions"] = captions, ["beam"] = beam };
            for (int n = 1; n <= 4; n++) o[$"bleu{n}"] = bleu.Bleu(n);
            o["precisions"] = bleu.Precisions;
            o["brevity_penalty"] = bleu.BrevityPenalty;
            o["hypothesis_length"] = bleu.HypothesisLength;
            o["reference_length"] = bleu.ReferenceLength;
            Console.WriteLine(JsonSerializer.Serialize(o));
            return 0;
        }
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        Console.WriteLine($"model: {modelPath}; caption, {(beam == 1 ? "greedy decoding" : $"beam {beam}")}; features {captioner.Features}");
        Console.WriteLine($"data: {file}; {set.Count} images, {captions} reference captions");
        Console.WriteLine($"BLEU-1 {F(bleu.Bleu(1))}  BLEU-2 {F(bleu.Bleu(2))}  BLEU-3 {F(bleu.Bleu(3))}  BLEU-4 {F(bleu.Bleu(4))}  (corpus BLEU, all references of each image)");
        Console.WriteLine($"n-gram precisions {string.Join(" / ", bleu.Precisions.Select(F))}; brevity penalty {F(bleu.BrevityPenalty)} " +
                          $"({bleu.HypothesisLength} words generated, {bleu.ReferenceLength} in the closest references)");
        return 0;
    }

    private static string Percent(double v) => (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

}
