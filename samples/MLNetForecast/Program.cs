// MLNetForecast: a monthly series forecast inside ML.NET (Recurrent.ML, docs/mlnet.md) — the series loaded with ML.NET's
// text loader (the last column of a CSV with a header; without an argument, a made-up series of 144 months whose
// season grows with its level, like AirPassengers), the first 80% fitted with mlContext.Forecasting.RecurrentForecast
// (window 24, horizon 1, the core forecaster's defaults), Transform's one-step forecasts of the last 20% scored against
// the naive (last month) and seasonal-naive (12 months earlier) forecasts, then the engine: 12 months ahead from the
// end of the training rows, CheckPoint, resumed in a new MLContext with the same forecasts.
// Exit code 1 when the forecaster's MAE is not below both baselines' or the resumed engine differs.
// Usage: dotnet run --project samples/MLNetForecast -c Release [-- series.csv]
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

var ml = new MLContext(seed: 1);
IDataView data;
string name;
if (args.Length > 0)
{
    name = Path.GetFileName(args[0]);
    int last = File.ReadLines(args[0]).First().Split(',').Length - 1;
    data = ml.Data.CreateTextLoader([new TextLoader.Column("Value", DataKind.Single, last)], separatorChar: ',', hasHeader: true).Load(args[0]);
}
else
{
    name = "a made-up monthly series";
    var rng = new Random(7);
    data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 144).Select(t =>
        new Month { Value = (float)((100 + 2 * t) * (1 + 0.2 * Math.Sin(2 * Math.PI * t / 12)) + 5 * (rng.NextDouble() - 0.5)) }));
}
float[] y = data.GetColumn<float>("Value").ToArray();
int k = (int)Math.Round(0.8 * y.Length);
Console.WriteLine($"{name}: {y.Length} months; fitting on months 1..{k}, scoring months {k + 1}..{y.Length}");

var model = ml.Forecasting.RecurrentForecast("Forecast", "Value", windowSize: 24, horizon: 1).Fit(ml.Data.TakeRows(data, k));
float[][] forecasts = model.Transform(data).GetColumn<VBuffer<float>>("Forecast").Select(v => v.DenseValues().ToArray()).ToArray();

// Row t's forecast is month t+1's; score the months after the training rows.
double mae = 0, naive = 0, seasonal = 0;
for (int t = k - 1; t + 1 < y.Length; t++)
{
    mae += Math.Abs(forecasts[t][0] - y[t + 1]);
    naive += Math.Abs(y[t] - y[t + 1]);
    seasonal += Math.Abs(y[t + 1 - 12] - y[t + 1]);
}
int n = y.Length - k;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"one-month-ahead MAE {mae / n:F2}; naive {naive / n:F2}; seasonal naive {seasonal / n:F2}"));

var engine = model.CreateForecastEngine();
float[] year = engine.Predict(12);
string path = Path.Combine(Path.GetTempPath(), $"mlnet-forecast-{Environment.ProcessId}.rnn");
engine.CheckPoint(path);
float[] resumed = new MLContext(seed: 2).Model.LoadRecurrentForecastEngine(path).Predict(12);
File.Delete(path);
Console.WriteLine("next 12 months from the end of the training rows: " + string.Join(" ", year.Select(v => v.ToString("F1", CultureInfo.InvariantCulture))));
bool same = year.SequenceEqual(resumed);
Console.WriteLine($"engine resumed from its checkpoint in a new MLContext: {(same ? "the same forecasts" : "DIFFERENT forecasts")}");
bool better = mae < naive && mae < seasonal;
if (!better) Console.WriteLine("FAILED: the forecaster's MAE is not below both baselines'");
return better && same ? 0 : 1;

internal sealed class Month
{
    public float Value { get; set; }
}
