// StatisticsWriter in real runs with run directories: attaching it changes nothing — a language model with dropout
// and carried state, a bidirectional classifier with dropout, a seq2seq model, a GRU forecaster (and, in memory with the
// writer added by hand, the one-to-many generator) end with bit-identical weights and
// optimizer moments and the same metrics.jsonl (timing fields aside) as with --stats-every 0, which writes no
// stats.jsonl. The lines it writes hold every parameter (histograms adding up to its size, ratio_log10 equal to
// log10(mean|Δθ|/mean|θ|) computed by hand from the weights before and after the logged update) and the probe's
// activations (h, c, every gate; gate values in [0, 1], saturated fractions in [0, 1]).
using System.Text.Json.Nodes;
using System.Globalization;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.Randomness;
using Recurrent.LanguageModels;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Tests.Seq2Seq;
using Recurrent.Tests.Support;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Tests.Training;

public sealed class StatisticsWriterTests
{
    // metrics.jsonl without the fields that measure time.
    private static List<string> Metrics(string runDir) => File.ReadLines(Path.Combine(runDir, RunDirectory.MetricsFile)).Select(line =>
    {
        var o = JsonNode.Parse(line)!.AsObject();
        o.Remove("tokens_per_s");
        o.Remove("elapsed_s");
        return o.ToJsonString();
    }).ToList();

    private static void AssertSameRun(string with, string without)
    {
        var a = ModelFile.Read(Path.Combine(with, RunDirectory.LastFile));
        var b = ModelFile.Read(Path.Combine(without, RunDirectory.LastFile));
        ResumeAssert.SameTensors(a.Parameters, b.Parameters);
        ResumeAssert.SameTensors(a.OptimizerState, b.OptimizerState);
        Assert.Equal(Metrics(without), Metrics(with));
        Assert.False(File.Exists(Path.Combine(without, RunDirectory.StatsFile)));
        Assert.True(File.Exists(Path.Combine(with, RunDirectory.StatsFile)));
    }

    // Every line: all parameters with consistent histograms; activations with the expected names and ranges.
    private static List<StatisticsRecord> CheckLines(string runDir, FitLoop loop, int every, string[] expectedActivations)
    {
        var records = TrainingStatistics.Read(Path.Combine(runDir, RunDirectory.StatsFile));
        Assert.Equal(Enumerable.Range(1, (int)(loop.Step / every)).Select(i => (long)i * every), records.Select(r => r.Step));
        var parameters = loop.Model.Parameters.Parameters;
        foreach (var r in records)
        {
            Assert.Equal(parameters.Select(p => p.Name), r.Tensors.Select(t => t.Name));
            foreach (var t in r.Tensors)
            {
                Assert.Equal(t.Count, t.Weights.Finite);
                Assert.Equal(t.Count, t.Gradients.Finite);
                Assert.Equal(t.Count, t.Updates!.Finite); // every logged step follows a snapshot (no resume here)
                Assert.True(t.Weights.Min <= t.Weights.Max);
            }
            Assert.NotNull(r.Activations);
            foreach (string name in expectedActivations) Assert.Contains(r.Activations, a => a.Name == name);
            foreach (var a in r.Activations)
            {
                Assert.True(a.Values.Finite > 0, a.Name);
                // The LSTM cell state has no bound, so no saturation figure; everything else has one in [0, 1].
                if (a.Name.EndsWith(".c")) Assert.Null(a.Saturated);
                else Assert.InRange(a.Saturated!.Value, 0, 1);
                if (a.Name.EndsWith(".gate_i") || a.Name.EndsWith(".gate_f") || a.Name.EndsWith(".gate_o")
                    || a.Name.EndsWith(".gate_r") || a.Name.EndsWith(".gate_z"))
                {
                    Assert.InRange(a.Values.Min, 0f, 1f);
                    Assert.InRange(a.Values.Max, 0f, 1f);
                }
                if (a.Name.EndsWith(".h")) Assert.InRange(a.Values.Max, -1f, 1f);
            }
        }
        return records;
    }

    [Fact]
    public void ALanguageModelWithDropoutAndCarriedStateTrainsIdenticallyWithStatistics()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(600))] };
        using var data = spec.Load();
        var options = LanguageModelTestSupport.TinyOptions(20);
        Assert.True(options.Dropout > 0);
        string with = Path.Combine(dir.Path, "with"), without = Path.Combine(dir.Path, "without");
        var run = LanguageModelRun.Start(options with { Fit = options.Fit with { StatsEvery = 3 } }, data, with, spec);

        // The weights just before and after update 9 (a logged one), to compute ratio_log10 by hand.
        float[] before = [], after = [];
        run.Loop.Add(new LambdaCallback
        {
            StepEnd = s =>
            {
                if (s.Step == 8) before = (float[])run.Loop.Model.Parameters.Values.Clone();
                if (s.Step == 9) after = (float[])run.Loop.Model.Parameters.Values.Clone();
            },
        });
        run.Run();
        LanguageModelRun.Start(options with { Fit = options.Fit with { StatsEvery = 0 } }, data, without, spec).Run();

        AssertSameRun(with, without);
        var records = CheckLines(with, run.Loop, 3, ["layer0.h", "layer0.c", "layer0.gate_i", "layer0.gate_f", "layer0.gate_g", "layer1.gate_o"]);
        var line = records.Single(r => r.Step == 9);
        foreach (var p in run.Loop.Model.Parameters.Parameters)
        {
            double update = 0, weight = 0;
            for (int i = p.Offset; i < p.Offset + p.Length; i++)
            {
                update += Math.Abs(after[i] - before[i]);
                weight += Math.Abs(after[i]);
            }
            var t = line.Tensors.Single(x => x.Name == p.Name);
            Assert.Equal(weight / p.Length, t.MeanAbs, 5);
            Assert.Equal(Math.Log10(update / weight), t.RatioLog10!.Value, 3);
        }
    }

    [Fact]
    public void ABidirectionalClassifierWithDropoutTrainsIdenticallyWithStatistics()
    {
        using var dir = new TempDirectory();
        string tsv = dir.File("train.tsv", Recurrent.Tests.Supervised.TaskSynthetic.Tsv(60, 21));
        SupervisedRunSpec Spec(int statsEvery) => new()
        {
            Kind = "classify",
            Model = new ClassifierSettings { HiddenSize = 8, EmbeddingSize = 4, Layers = 2, Bidirectional = true, Dropout = 0.3 },
            Training = new SupervisedOptions
            {
                BatchSize = 8, Seed = 3,
                Fit = new FitOptions { Steps = 12, EvalEvery = 5, LogEvery = 4, StatsEvery = statsEvery },
            },
            Data = new SupervisedDataSpec { Path = tsv },
        };
        string with = Path.Combine(dir.Path, "with"), without = Path.Combine(dir.Path, "without");
        var run = SupervisedRun.Start(Spec(2), with);
        run.Loop.Run();
        SupervisedRun.Start(Spec(0), without).Loop.Run();

        AssertSameRun(with, without);
        CheckLines(with, run.Loop, 2, ["layer0.h", "layer0.reverse.h", "layer1.reverse.c", "layer1.gate_f", "layer0.reverse.gate_g"]);
    }

    [Fact]
    public void ASeq2SeqModelTrainsIdenticallyWithStatistics()
    {
        using var dir = new TempDirectory();
        string data = dir.File("pairs.tsv", string.Concat(Seq2SeqRunTests.ReversedWords(3, 60).Select(p => $"{p.Source}\t{p.Target}\n")));
        Seq2SeqRunSpec Spec(int statsEvery) => new()
        {
            Training = new Seq2SeqTrainingOptions
            {
                Model = new Seq2SeqSettings { HiddenSize = 16, EmbeddingSize = 8 },
                BatchSize = 16, Seed = 5,
                Optimization = new OptimizationOptions { LearningRate = 0.01 },
                Fit = new FitOptions { Steps = 10, EvalEvery = 4, LogEvery = 3, StatsEvery = statsEvery },
            },
            Data = new SupervisedDataSpec { Path = data },
        };
        string with = Path.Combine(dir.Path, "with"), without = Path.Combine(dir.Path, "without");
        var run = Seq2SeqRun.Start(Spec(5), with);
        run.Run();
        Seq2SeqRun.Start(Spec(0), without).Run();

        AssertSameRun(with, without);
        CheckLines(with, run.Loop, 5, ["encoder.layer0.h", "encoder.layer0.c", "decoder.layer0.h", "decoder.layer0.gate_f"]);
    }

    [Fact]
    public void AGruForecasterTrainsIdenticallyWithStatistics()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("series.csv", "t,a,b\n" + string.Concat(Enumerable.Range(0, 150).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(0.2 * t):R},{Math.Cos(0.05 * t) * 3 + 7:R}\n"))));
        ForecastRunSpec Spec(int statsEvery) => new()
        {
            Model = new ForecastModelSettings { HiddenSize = 12, Cell = Recurrent.Layers.CellKind.Gru },
            Training = new ForecastOptions
            {
                Window = 12, Horizon = 2, BatchSize = 16, ValidationFraction = 0.2, Seed = 5,
                Optimization = new OptimizationOptions { LearningRate = 0.01 },
                Fit = new FitOptions { Steps = 9, EvalEvery = 4, LogEvery = 3, StatsEvery = statsEvery },
            },
            Data = new ForecastDataSpec { Path = csv, Inputs = ["a", "b"], Targets = ["a"] },
        };
        string with = Path.Combine(dir.Path, "with"), without = Path.Combine(dir.Path, "without");
        var run = ForecastRun.Start(Spec(1), with);
        run.Run();
        ForecastRun.Start(Spec(0), without).Run();

        AssertSameRun(with, without);
        var records = CheckLines(with, run.Loop, 1, ["layer0.h", "layer0.gate_r", "layer0.gate_z", "layer0.gate_n"]);
        Assert.DoesNotContain(records[0].Activations!, a => a.Name.EndsWith(".c"));
    }

    [Fact]
    public void TheOneToManyGeneratorTrainsIdenticallyWithStatistics()
    {
        using var dir = new TempDirectory();
        var vocab = Seq2SeqVocabulary.FromTexts(["abc"]);
        string[] texts = ["abc", "ba", "cab", "aaa", "c", "bb"];
        const int F = 4;
        var rng = new Rng(17);
        var examples = texts.Select(t => new ConditionedExample(
            Enumerable.Range(0, F).Select(_ => (float)rng.Uniform(-1, 1)).ToArray(), vocab.Encode(t))).ToList();
        float[] Train(string? stats)
        {
            var model = new ConditionedGenerator<float>(new ConditionedGeneratorConfig
            {
                Features = F, Vocabulary = vocab.Size, EmbeddingSize = 6, Cell = Recurrent.Layers.CellKind.Lstm, HiddenSize = 10, Layers = 2, MaxLength = 6,
            }, 3);
            ConditionedGeneratorTraining.Train(model, examples, batchSize: 4, new OptimizationOptions { LearningRate = 0.01 },
                new FitOptions { Steps = 8, StatsEvery = 2 }, callbacks: stats is null ? null : [new StatisticsWriter(stats)]);
            return model.Parameters.Values;
        }
        string path = Path.Combine(dir.Path, RunDirectory.StatsFile);
        Assert.Equal(Train(null), Train(path));
        var records = TrainingStatistics.Read(path);
        Assert.Equal([2L, 4L, 6L, 8L], records.Select(r => r.Step));
        Assert.Contains(records[^1].Activations!, a => a.Name == "decoder.layer1.gate_f");
    }
}
