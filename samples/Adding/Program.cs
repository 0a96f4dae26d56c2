// Adding sample: the adding problem (Hochreiter & Schmidhuber 1997) with short sequences (T = 30) so it runs
// in seconds; `rnn demo adding` runs the paper's T = 100.
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Demos;

const int length = 30;
var features = new float[length * 1 * 2];
float target = AddingProblem.Generate(new Rng(7), length, batch: 1, b: 0, features);
var marked = Enumerable.Range(0, length).Where(t => features[t * 2 + 1] == 1).Select(t => $"x[{t}] = {features[t * 2]:F3}");
Console.WriteLine($"one sequence: marked {string.Join(", ", marked)}; target 0.5 + sum/4 = {target:F3}");

var result = AddingProblem.Run(new AddingProblemOptions { Cell = CellKind.Lstm, Length = length, TestSequences = 512, Seed = 1 },
    p => Console.WriteLine($"step {p.Step,5}: loss {p.Loss:F5}, validation within 0.04 {p.Metric:P1}"));

foreach (string line in result.Details) Console.WriteLine(line);
Console.WriteLine($"held-out: {result.MetricText} in {result.Seconds:F1} s → {(result.Passed ? "PASS" : "FAIL")}");
