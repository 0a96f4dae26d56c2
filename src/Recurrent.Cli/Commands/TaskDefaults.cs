// TaskDefaults: the defaults `rnn train --help` shows, read from the library's option records of each kind of model
// (LanguageModelOptions; ClassifierSettings and SupervisedOptions; ForecastModelSettings and ForecastOptions;
// Seq2SeqTrainingOptions), so the help says what each --task really uses and no number is restated in the CLI.
using System.Globalization;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.LanguageModels;
using Recurrent.Seq2Seq;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static class TaskDefaults
{
    private static readonly LanguageModelOptions Lm = new();
    private static readonly ClassifierSettings ClassifyModel = new();
    private static readonly SupervisedOptions Classify = new();
    private static readonly ForecastModelSettings ForecastModel = new();
    private static readonly ForecastOptions Forecast = new();
    private static readonly Seq2SeqTrainingOptions Seq2Seq = new();

    /// <summary>"default: lm A, classify/tag B, forecast C, seq2seq D" (a kind left out when the flag does not apply to it).</summary>
    private static string Of(object? lm, object? classify, object? forecast, object? seq2seq)
    {
        var parts = new List<string>();
        if (lm is not null) parts.Add($"lm {Text(lm)}");
        if (classify is not null) parts.Add($"classify/tag {Text(classify)}");
        if (forecast is not null) parts.Add($"forecast {Text(forecast)}");
        if (seq2seq is not null) parts.Add($"seq2seq {Text(seq2seq)}");
        return "default: " + string.Join(", ", parts);
    }

    private static string Text(object value) => value switch
    {
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    // A language model on --data has these chosen for its corpus and budget (LanguageModelSizing); the preset is the built-in corpus's.
    private static string Sized(object preset) => $"sized for the corpus and budget with --data (built-in corpus {Text(preset)})";

    private static string Clip(OptimizationOptions o) => o.ClipNorm is double c ? Text(c) : "off";
    private static string Budget(FitOptions f) => f.Epochs is int e ? $"{e}" : "none";
    private static string PatienceOf(FitOptions f) => f.Patience is int p ? $"{p}" : "never";

    public static string Layers => Of(Sized(Lm.Layers), ClassifyModel.Layers, ForecastModel.Layers, Seq2Seq.Model.Layers);
    public static string Hidden => Of(Sized(Lm.HiddenSize), ClassifyModel.HiddenSize, ForecastModel.HiddenSize, Seq2Seq.Model.HiddenSize);
    public static string Embedding => Of(Lm.EmbeddingSize, ClassifyModel.EmbeddingSize, null, Seq2Seq.Model.EmbeddingSize);
    public static string Dropout => Of(Sized(Lm.Dropout), ClassifyModel.Dropout, null, null);
    public static string Batch => Of(Sized(Lm.BatchSize), Classify.BatchSize, Forecast.BatchSize, Seq2Seq.BatchSize);
    public static string LearningRate => Of(Sized(Lm.Optimization.LearningRate), Classify.Optimization.LearningRate, Forecast.Optimization.LearningRate, Seq2Seq.Optimization.LearningRate);
    public static string ClipNorm => Of(Clip(Lm.Optimization), Clip(Classify.Optimization), Clip(Forecast.Optimization), Clip(Seq2Seq.Optimization));
    public static string ValidationFraction => Of(new TrainingDataSpec { Data = ["-"] }.ValidationFraction, Classify.ValidationFraction, Forecast.ValidationFraction, Seq2Seq.ValidationFraction);
    public static string Epochs => Of("10 with --data when no budget is given", Budget(Classify.Fit), Budget(Forecast.Fit), Budget(Seq2Seq.Fit));
    public static string Patience => Of(PatienceOf(Lm.Fit), PatienceOf(Classify.Fit), PatienceOf(Forecast.Fit), PatienceOf(Seq2Seq.Fit));
    public static string EvalEvery => Of(Lm.Fit.EvalEvery, "every epoch end", "every epoch end", Seq2Seq.Fit.EvalEvery is int e ? $"{e}" : "every epoch end");
    public static string LogEvery => Of(Lm.Fit.LogEvery, Classify.Fit.LogEvery, Forecast.Fit.LogEvery, Seq2Seq.Fit.LogEvery);
}
