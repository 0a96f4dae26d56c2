// MLNetComparison (docs/mlnet.md, "Side by side with ML.NET's own trainers"): Recurrent's LSTM trainer
// (mlContext.MulticlassClassification.Trainers.RecurrentText) against ML.NET's own best built-in choices on the same
// data, split and machine — FeaturizeText (word and character n-grams) + SdcaMaximumEntropy, and LightGbm on the same
// featurized vector (and, for the order task, on one-hot symbol positions) — plus the majority-class baseline.
// Prints one markdown table: task, model, micro- and macro-accuracy on the held-out split, seconds of Fit.
//
//   dotnet run -c Release --project bench/MLNetComparison -- [order|speakers|forecast|all] [--quick] [--seed N] [--length T] [--forget-bias B] [--data PATH]
//
// order:    temporal order (Hochreiter & Schmidhuber 1997, exp. 6a), generated here with a fixed seed, as it is
//           and with a random offset (0 to T/2 distractors before each sequence); --length T (default 60);
//           --forget-bias B: the LSTM's initial forget-gate bias (RecurrentTextOptions.ForgetGateBias; default: the
//           library's, 1; `rnn demo order` uses 3).
// speakers: the speeches of tinyshakespeare's 5 most frequent speakers (label = speaker), read at run time.
// forecast: AirPassengers and co2 (written by Rscript at run time), one-step MAE on the last 20%: LightGbm on lag
//           features vs Recurrent's core forecaster vs the (seasonal) naive forecast. Not part of --quick.
// --quick:  small sizes for CI (well under a minute); exits 1 unless every model beats the majority-class baseline.
using System.Globalization;
using MLNetComparison;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string task = "all";
bool quick = false;
ulong seed = 1;
string? dataPath = null;
int? length = null;
double? forgetBias = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": quick = true; break;
        case "--seed": seed = ulong.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--data": dataPath = args[++i]; break;
        case "--length": length = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--forget-bias": forgetBias = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "order" or "speakers" or "forecast" or "all": task = args[i]; break;
        default:
            Console.Error.WriteLine($"usage: MLNetComparison [order|speakers|forecast|all] [--quick] [--seed N] [--length T] [--forget-bias B] [--data tinyshakespeare.txt]; unknown argument '{args[i]}'");
            return 2;
    }
}

var rows = new List<ResultRow>();
var failures = new List<string>();
if (task is "order" or "all")
{
    rows.AddRange(TemporalOrderTask.Run(quick, seed, offset: false, length, forgetBias));
    rows.AddRange(TemporalOrderTask.Run(quick, seed, offset: true, length, forgetBias));
}
if (task is "speakers" or "all")
{
    string? path = dataPath ?? SpeakerTask.FindData();
    if (path is null)
    {
        string message = "speakers: tinyshakespeare.txt not found (give --data PATH, or put it in shared/data/)";
        if (task == "speakers" || !quick) failures.Add(message);
        Console.WriteLine($"skipped {message}");
    }
    else rows.AddRange(SpeakerTask.Run(path, quick, seed));
}
List<ForecastRow>? forecasts = null;
if (task == "forecast" || (task == "all" && !quick))
{
    forecasts = ForecastTask.Run(seed);
    if (forecasts is null)
    {
        string message = "forecast: Rscript could not write AirPassengers and co2 (apt-get install r-base-core)";
        if (task == "forecast") failures.Add(message);
        Console.WriteLine($"skipped {message}");
    }
}

Console.WriteLine();
if (rows.Count > 0)
{
    Console.WriteLine("| task | model | micro-accuracy | macro-accuracy | training s |");
    Console.WriteLine("| --- | --- | --- | --- | --- |");
    foreach (var r in rows)
        Console.WriteLine($"| {r.Task} | {r.Model} | {r.MicroAccuracy:F3} | {r.MacroAccuracy:F3} | {Seconds(r.Seconds)} |");
}
if (forecasts is not null)
{
    Console.WriteLine();
    Console.WriteLine("| series | model | MAE, one step ahead, last 20% | training s |");
    Console.WriteLine("| --- | --- | --- | --- |");
    foreach (var r in forecasts) Console.WriteLine($"| {r.Series} | {r.Model} | {r.Mae:F3} | {Seconds(r.Seconds)} |");
}

// The check: every trained model must beat always answering the training set's most frequent class by at least
// Margin (5 points of micro-accuracy), so a model stuck at chance fails it. The quick run (CI) fails on such a
// model; the full run reports it and exits 0, whichever model wins. Missing data fails both.
var weak = new List<string>();
foreach (var group in rows.GroupBy(r => r.Task))
{
    var baseline = group.Single(r => r.Seconds is null);
    foreach (var r in group.Where(r => r.Seconds is not null && r.MicroAccuracy < baseline.MicroAccuracy + Margin))
        weak.Add($"{r.Task}: {r.Model} ({r.MicroAccuracy:F3}) does not beat the majority class ({baseline.MicroAccuracy:F3}) by {Margin:F2}");
}
Console.WriteLine();
foreach (string f in failures) Console.WriteLine($"FAILED: {f}");
foreach (string w in weak) Console.WriteLine(quick ? $"FAILED: {w}" : $"below the bar: {w}");
if (weak.Count == 0 && rows.Count > 0)
    Console.WriteLine($"every model beats the majority-class baseline by at least {Margin:F2} ({rows.Count(r => r.Seconds is not null)} models, {rows.Select(r => r.Task).Distinct().Count()} tasks)");
return failures.Count == 0 && (weak.Count == 0 || !quick) ? 0 : 1;

internal static partial class Program
{
    private static string Seconds(double? s) => s is double v ? v.ToString("F1", CultureInfo.InvariantCulture) : "–";

    /// <summary>How far above the majority class's micro-accuracy every model must be.</summary>
    private const double Margin = 0.05;
}
