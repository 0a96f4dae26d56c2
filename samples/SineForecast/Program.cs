// SineForecast sample: learn to forecast the next value of a noisy sum of two sines and compare with the
// naive last-value forecast. Runs in about a second.
using Recurrent.Layers;
using Recurrent.Demos;

var result = SineForecast.Run(new SineForecastOptions { Cell = CellKind.Lstm, Seed = 1 },
    p => Console.WriteLine($"step {p.Step,5}: loss {p.Loss:F5}, validation MSE / naive MSE {p.Metric:P1}"));

foreach (string line in result.Details) Console.WriteLine(line);
Console.WriteLine($"held-out: {result.MetricText} in {result.Seconds:F1} s → {(result.Passed ? "PASS" : "FAIL")}");
