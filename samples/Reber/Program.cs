// Reber sample: generate embedded Reber strings, train an LSTM to predict the next symbol, and show the
// symbol sets it predicts along one held-out string. Runs in about a second.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Demos;

var rng = new Rng(42);
Console.WriteLine("some embedded Reber strings: " + string.Join(", ", Enumerable.Range(0, 4).Select(_ => ReberGrammar.Generate(rng))));

var result = ReberGrammar.Run(new ReberGrammarOptions { Cell = CellKind.Lstm, HiddenSize = 16, Seed = 1 },
    p => Console.WriteLine($"step {p.Step,4}: loss {p.Loss:F3}, validation strings predicted legally {p.Metric:P0}"));

foreach (string line in result.Details) Console.WriteLine(line);
Console.WriteLine($"held-out: {result.MetricText} in {result.Seconds:F1} s → {(result.Passed ? "PASS" : "FAIL")}");
Console.WriteLine($"criterion: {ReberGrammar.Criterion}");
