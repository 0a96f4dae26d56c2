// Shared helpers for the language-model tests: a small deterministic corpus and tiny run options.
using System.Text;
using Recurrent.Training;
using Recurrent.Layers;
using Recurrent.LanguageModels;

namespace Recurrent.Tests.LanguageModels;

internal static class LanguageModelTestSupport
{
    /// <summary>Pseudo-English of about <paramref name="characters"/> characters from a fixed word list (deterministic).</summary>
    public static string Corpus(int characters, int seed = 7)
    {
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "and", "then", "ran", "to", "big", "red", "dog", "who", "was", "not", "happy"];
        var rng = new Recurrent.Randomness.Rng((ulong)seed);
        var sb = new StringBuilder();
        while (sb.Length < characters)
        {
            sb.Append(words[rng.NextInt(words.Length)]);
            sb.Append(rng.NextInt(9) == 0 ? ".\n" : " ");
        }
        return sb.ToString(0, characters);
    }

    /// <summary>A 2-layer LSTM-16 with dropout (so the dropout generator matters), B 4, T 8, Adam.</summary>
    public static LanguageModelOptions TinyOptions(long steps) => new()
    {
        Cell = CellKind.Lstm,
        Layers = 2,
        HiddenSize = 16,
        EmbeddingSize = 8,
        Dropout = 0.3,
        BatchSize = 4,
        SequenceLength = 8,
        Optimization = new OptimizationOptions
        {
            Optimizer = OptimizerKind.Adam, LearningRate = 1e-2, ClipNorm = 1.0, WeightDecay = 1e-4,
            Schedule = LearningRateScheduleKind.Cosine, WarmupSteps = 3, ScheduleSteps = 60, MinLearningRate = 1e-3,
        },
        Fit = new FitOptions { Steps = steps, EvalEvery = 7, LogEvery = 5, Patience = 50 },
        SampleEvery = 11,
        SampleLength = 12,
        Seed = 42,
    };
}

/// <summary>An independent evaluation: the model run one token at a time, log-softmax in double precision.</summary>
internal static class ReferenceEvaluation
{
    /// <summary>
    /// Sum of −ln p(next) over the N−1 predictions of <paramref name="ids"/>, cut into min(batch, N−1) contiguous
    /// pieces of ⌈(N−1)/rows⌉ predictions, each read from the zero state (the layout LanguageModelEvaluator documents).
    /// </summary>
    public static (double TotalNats, long Predictions) CrossEntropy(Recurrent.Models.SequenceModel<float> model, int[] ids, int batch)
    {
        long predictions = ids.Length - 1;
        int rows = (int)Math.Min(batch, predictions);
        long piece = (predictions + rows - 1) / rows;
        double total = 0;
        long counted = 0;
        for (int b = 0; b < rows; b++)
        {
            model.InitialH(1).Clear();
            model.InitialC(1).Clear();
            long end = Math.Min((b + 1) * piece, predictions);
            for (long i = b * piece; i < end; i++)
            {
                ReadOnlySpan<float> logits = model.Forward([ids[i]], 1, 1, training: false);
                model.CarryState();
                double max = double.NegativeInfinity;
                foreach (float z in logits) max = Math.Max(max, z);
                double sum = 0;
                foreach (float z in logits) sum += Math.Exp(z - max);
                total += Math.Log(sum) + max - logits[ids[i + 1]];
                counted++;
            }
        }
        return (total, counted);
    }
}

/// <summary>Runs `rnn train` with a tiny model (LSTM 1×16, embedding 8, B 4, T 16) unless the caller overrides flags.</summary>
internal static class TinyTraining
{
    public static readonly string[] Flags =
        ["--layers", "1", "--hidden", "16", "--embedding", "8", "--batch", "4", "--seq-length", "16", "--lr", "0.01", "--seed", "3"];

    public static Recurrent.Tests.Cli.CliRunner.Result Train(string data, string runDir, params string[] extra) =>
        Recurrent.Tests.Cli.CliRunner.Run(["train", "--data", data, "--run-dir", runDir, .. WithDefaults(extra)]);

    /// <summary>
    /// Exact resume from the command line: trains 24 updates in one run and 10 + `--resume` to 24 in another, both with
    /// <paramref name="flags"/> (which must evaluate every 7 updates), and asserts the final tensors are bit-identical and
    /// the evaluations after the resume point (14, 21 and the end) and the last training loss equal the uninterrupted
    /// run's. Returns the uninterrupted run's final model file.
    /// </summary>
    public static Recurrent.Serialization.ModelFileContent AssertCommandLineResumeIsExact(string data, string directory, string[] flags)
    {
        string full = Path.Combine(directory, "full"), split = Path.Combine(directory, "split");
        var r = Train(data, full, [.. flags, "--steps", "24"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var part = Train(data, split, [.. flags, "--steps", "10"]);
        Assert.True(part.ExitCode == 0, part.Stderr);
        var resumed = Recurrent.Tests.Cli.CliRunner.Run("train", "--resume", split, "--steps", "24");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains("resuming at step 10", resumed.Stdout);

        var a = Recurrent.Serialization.ModelFile.Read(Path.Combine(full, RunDirectory.LastFile));
        var b = Recurrent.Serialization.ModelFile.Read(Path.Combine(split, RunDirectory.LastFile));
        for (int i = 0; i < a.Parameters.Count; i++) Assert.Equal(a.Parameters[i].Data, b.Parameters[i].Data);
        var ma = MetricsLog.Read(Path.Combine(full, RunDirectory.MetricsFile)).Where(m => m.Step > 10).ToList();
        var mb = MetricsLog.Read(Path.Combine(split, RunDirectory.MetricsFile)).Where(m => m.Step > 10).ToList();
        Assert.Equal([14, 21, 24], ma.Select(m => m.Step));
        Assert.Equal(ma.Select(m => m.Step), mb.Select(m => m.Step));
        Assert.Equal(ma.Select(m => m.ValidationLoss), mb.Select(m => m.ValidationLoss));
        Assert.Equal(ma[^1].TrainLoss, mb[^1].TrainLoss);
        return a;
    }

    /// <summary>The tiny-model flags, except those <paramref name="extra"/> sets itself, followed by <paramref name="extra"/>.</summary>
    public static string[] WithDefaults(params string[] extra)
    {
        var args = new List<string>();
        for (int i = 0; i < Flags.Length; i += 2)
            if (!extra.Contains(Flags[i])) args.AddRange([Flags[i], Flags[i + 1]]);
        args.AddRange(extra);
        return [.. args];
    }

    /// <summary>The PNG file signature.</summary>
    public static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
}
