// Forecasting sample: a CSV time series (written here: a daily-looking series with a weekly cycle and a slow
// trend), an LSTM trained to read 28 steps and predict the next 7, each window scaled relative to itself (the
// default) and the season detected from the training rows, trained on the library's fit loop with early stopping
// on the held-out tail (the best evaluation's weights are put back), then an autoregressive continuation of 42
// steps from the model's own predictions, scored against the true values beside the naive and seasonal-naive
// forecasts (MASE), and the model saved and reloaded.
// Run: dotnet run --project samples/Forecasting -c Release
using System.Globalization;
using Recurrent.Forecasting;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

static double Value(int t) => 100 + 0.05 * t + 8 * Math.Sin(2 * Math.PI * t / 7) + 3 * Math.Cos(2 * Math.PI * t / 30);

string dir = Directory.CreateTempSubdirectory("forecast-sample-").FullName;
string csv = Path.Combine(dir, "sales.csv");
File.WriteAllLines(csv, ["day,sales", .. Enumerable.Range(0, 400).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{Value(t):F3}"))]);

var table = TimeSeriesTable.Read(csv);
var options = new ForecastOptions { Window = 28, Horizon = 7, ValidationFraction = 0.2, Fit = new FitOptions { Epochs = 40, Patience = 8 } };
var series = ForecastSeries.FromTable(table, inputs: ["sales"], targets: ["sales"], options);
Evaluation? best = null;
int epochs = 0;
var progress = new LambdaCallback
{
    EpochEnd = done => epochs = done, // an epoch ends, then it is evaluated
    Evaluated = e =>
    {
        if (e.Improved) best = e.Evaluation;
        if (epochs % 5 == 0) Console.WriteLine($"epoch {epochs,3}: validation loss {e.Loss:F4} (MSE of the scaled values), MAE {e.Evaluation["val_mae"]:F3} (sales units)");
    },
};
var (forecaster, outcome) = Forecaster.Train(series, new ForecastModelSettings { HiddenSize = 32 }, options, [progress]);
Console.WriteLine($"stopped ({outcome.Reason}) at step {outcome.Step}; best at step {outcome.BestStep}: validation MSE {best?["val_mse"]:F4}, " +
    $"MAE {best?["val_mae"]:F4} (sales units)");
int season = forecaster.Spec.Season;
Console.WriteLine($"scaling: {forecaster.Spec.Normalize} (each window relative to its last value and spread); season {season}, detected from the training rows");

// Continue from row 300 for 42 steps, feeding back the model's own predictions.
double[] all = table.Values([table.ColumnIndex("sales")]);
double[] history = all.AsSpan(0, 300).ToArray();
double[] forecast = forecaster.Continue(history, 300, 42);
var truth = Enumerable.Range(300, 42).Select(Value).ToArray();
// The baselines of the same 42 steps, and MASE: the MAE over the history's own seasonal-naive MAE.
double[] naive = new double[42], seasonal = new double[42];
ForecastAccuracy.Baselines(all, 1, 300, 42, season, naive, seasonal);
var score = new ForecastAccuracy.Builder(1, season, [Seasonality.SeasonalNaiveMae(history, season)], quantiles: null);
score.Add(forecast, truth, naive, seasonal);
var m = score.Build();
Console.WriteLine($"42-step continuation after row 300: MAE {m.Mae:F3} (MASE {m.Mase:F3}); naive MAE {m.NaiveMae:F3}, seasonal naive (S={season}) MAE {m.SeasonalNaiveMae:F3}");
for (int k = 0; k < 42; k += 7) Console.WriteLine($"  day {300 + k}: predicted {forecast[k]:F2}, actual {truth[k]:F2}");

string path = Path.Combine(dir, "forecast.safetensors");
ForecastFile.Save(path, forecaster);
var reloaded = ForecastFile.Load(path);
bool same = reloaded.Continue(history, 300, 42).SequenceEqual(forecast);
Console.WriteLine($"saved and reloaded {path}: same continuation {same}");
Directory.Delete(dir, recursive: true);
if (!same || m.Mae > 3 || m.Mae >= m.NaiveMae) { Console.WriteLine("unexpected result"); return 1; }
return 0;
