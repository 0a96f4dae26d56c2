// TemporalOrder sample: classify the order of X/Y in sequences of 30 distractors (the paper uses 100; so does
// `rnn demo temporal-order`). Runs in a few seconds.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Demos;

const int length = 30;
var ids = new int[length];
int cls = TemporalOrder.Generate(new Rng(3), length, batch: 1, b: 0, ids);
Console.WriteLine($"one sequence: {new string(ids.Select(i => TemporalOrder.Alphabet[i]).ToArray())} → class {TemporalOrder.Classes[cls]}");

var result = TemporalOrder.Run(new TemporalOrderOptions { Cell = CellKind.Lstm, Length = length, TestSequences = 512, Seed = 1 },
    p => Console.WriteLine($"step {p.Step,5}: loss {p.Loss:F4}, validation correct {p.Metric:P1}"));

foreach (string line in result.Details) Console.WriteLine(line);
Console.WriteLine($"held-out: {result.MetricText} in {result.Seconds:F1} s → {(result.Passed ? "PASS" : "FAIL")}");
