// Forecasting sample: a CSV time series (written here: a daily-looking series with a weekly cycle and a slow
// trend), an LSTM trained to read 28 steps and predict the next 7, standardisation fitted on the training part
// and stored with the model, trained on the library's fit loop with early stopping on the held-out tail (the best
// evaluation's weights are put back), then an autoregressive continuation of 42 steps from the model's own
// predictions, scored against the true values, and the model saved and reloaded.
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
        if (epochs % 5 == 0) Console.WriteLine($"epoch {epochs,3}: validation MSE {e.Loss:F4} (standardised), MAE {e.Evaluation["val_mae"]:F3} (sales units)");
    },
};
var (forecaster, outcome) = Forecaster.Train(series, new ForecastModelSettings { HiddenSize = 32 }, options, [progress]);
Console.WriteLine($"stopped ({outcome.Reason}) at step {outcome.Step}; best at step {outcome.BestStep}: validation MSE {best?["val_mse"]:F4}, " +
    $"MAE {best?["val_mae"]:F4} (sales units)");
var column = forecaster.Spec.Targets[0];
Console.WriteLine($"standardisation fitted on the training rows: mean {column.Mean:F3}, std {column.Std:F3}");

// Continue from row 300 for 42 steps, feeding back the model's own predictions.
double[] history = table.Values([table.ColumnIndex("sales")]).AsSpan(0, 300).ToArray();
double[] forecast = forecaster.Continue(history, 300, 42);
var truth = Enumerable.Range(300, 42).Select(Value).ToArray();
var m = ForecastMetrics.Compute(forecast, truth);
Console.WriteLine($"42-step continuation after row 300: MSE {m.Mse:F3}, MAE {m.Mae:F3}");
for (int k = 0; k < 42; k += 7) Console.WriteLine($"  day {300 + k}: predicted {forecast[k]:F2}, actual {truth[k]:F2}");

string path = Path.Combine(dir, "forecast.safetensors");
ForecastFile.Save(path, forecaster);
var reloaded = ForecastFile.Load(path);
bool same = reloaded.Continue(history, 300, 42).SequenceEqual(forecast);
Console.WriteLine($"saved and reloaded {path}: same continuation {same}");
Directory.Delete(dir, recursive: true);
if (!same || m.Mae > 3) { Console.WriteLine("unexpected result"); return 1; }
return 0;
