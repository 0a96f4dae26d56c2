// Copy sample: read 3 symbols, wait 10 steps, reproduce them. Runs in a few seconds; `rnn demo copy` uses
// 5 symbols and a delay of 50.
using Recurrent.Layers;
using Recurrent.Demos;

var result = CopyMemory.Run(new CopyMemoryOptions { Cell = CellKind.Lstm, Symbols = 3, Delay = 10, HiddenSize = 32, TestSequences = 500, Seed = 1 },
    p => Console.WriteLine($"step {p.Step,5}: loss {p.Loss:F4}, validation symbols recalled {p.Metric:P1}"));

foreach (string line in result.Details) Console.WriteLine(line);
Console.WriteLine($"held-out: {result.MetricText} in {result.Seconds:F1} s → {(result.Passed ? "PASS" : "FAIL")}");
