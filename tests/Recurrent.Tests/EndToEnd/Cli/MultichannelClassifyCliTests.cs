// `rnn train --task classify --features-per-step F` on a three-channel CSV (the interaction data of TaskSynthetic:
// label "same" iff two channels' means share a sign) through the real tool: a short run trains a model with dense
// input size 3 and its per-channel standardisation, a resume keeps F and the statistics, `rnn predict` and `rnn eval`
// read the same format and agree with the library, lines whose count is not a multiple of the model's F are refused
// naming file and line, the ONNX export carries F and the statistics (enough for ONNX Runtime to give the library's
// label), fine-tuning from the model keeps its F and statistics, and --features-per-step is refused with text data, with --resume, with --init-from and for other tasks.
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Recurrent.Classification;
using Recurrent.Interop;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Recurrent.Tests.Supervised;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

public sealed class MultichannelRun : IDisposable
{
    private readonly TempDirectory _dir = new();

    public MultichannelRun()
    {
        Train = _dir.File("mc.csv", TaskSynthetic.Multichannel(300, 51));
        Eval = _dir.File("eval.csv", TaskSynthetic.Multichannel(60, 52));
        Run = Path.Combine(_dir.Path, "run");
        FirstOutput = CliRunner.Run("train", "--task", "classify", "--data", Train, "--features-per-step", "3", "--run-dir", Run,
            "--steps", "6", "--model", "lstm", "--hidden", "8", "--lr", "0.01", "--seed", "4");
        Assert.True(FirstOutput.ExitCode == 0, FirstOutput.Stdout + FirstOutput.Stderr);
        FirstCheckpoint = SequenceClassifier.Load(Path.Combine(Run, RunDirectory.LastFile));
        Resumed = CliRunner.Run("train", "--resume", Run, "--steps", "12", "--quiet");
        Assert.True(Resumed.ExitCode == 0, Resumed.Stdout + Resumed.Stderr);
    }

    public string Train { get; }
    public string Eval { get; }
    public string Run { get; }
    public CliRunner.Result FirstOutput { get; }
    public CliRunner.Result Resumed { get; }
    public SequenceClassifier FirstCheckpoint { get; }
    public string Scratch => _dir.Path;

    public void Dispose() => _dir.Dispose();
}

public sealed class MultichannelClassifyCliTests(MultichannelRun trained) : IClassFixture<MultichannelRun>
{
    private string Last => Path.Combine(trained.Run, RunDirectory.LastFile);

    [Fact]
    public void TrainingStoresFAndTheChannelStatistics_AndAResumeKeepsBoth()
    {
        Assert.Contains("numeric sequences, 3 numbers per step, standardised per channel", trained.FirstOutput.Stdout);
        var first = trained.FirstCheckpoint;
        Assert.Equal(3, first.Model.Config.InputSize);
        Assert.Equal(3, first.Standardisation!.Channels);
        Assert.True(first.Standardisation.Std[1] > 10 * first.Standardisation.Std[0], "channel 1 is written at 40 times channel 0's scale");

        Assert.Contains("stopped at step 12", trained.Resumed.Stdout);
        var state = FitState.FromJson(ModelFile.Read(Last).Training!, Last);
        Assert.Equal(12, state.Step);
        Assert.Equal(3, state.Run!["model"]!["features_per_step"]!.GetValue<int>());
        var resumed = SequenceClassifier.Load(Last);
        Assert.Equal(3, resumed.FeaturesPerStep);
        Assert.Equal(first.Standardisation.Mean, resumed.Standardisation!.Mean); // not refitted: the same numbers, bit for bit
        Assert.Equal(first.Standardisation.Std, resumed.Standardisation.Std);
    }

    [Fact]
    public void PredictAndEvalReadTheModelsFormat_AndAgreeWithTheLibrary()
    {
        var p = CliRunner.Run("predict", Last, "--input", trained.Eval, "--batch", "7");
        Assert.True(p.ExitCode == 0, p.Stderr);
        string[] predicted = p.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ToArray();
        var records = ClassificationData.Read(trained.Eval, ClassificationFormat.Csv, requireLabels: true, featuresPerStep: 3);
        Assert.Equal(SequenceClassifier.Load(Last).Predict(records).Select(x => x.Label), predicted);

        var e = CliRunner.Run("eval", Last, "--data", trained.Eval, "--json");
        Assert.True(e.ExitCode == 0, e.Stderr);
        using var json = JsonDocument.Parse(e.Stdout);
        Assert.Equal(records.Count, json.RootElement.GetProperty("examples").GetInt32());
        double accuracy = records.Zip(predicted).Count(x => x.First.Label == x.Second) / (double)records.Count;
        Assert.Equal(accuracy, json.RootElement.GetProperty("accuracy").GetDouble(), 12);
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("eval")]
    public void ALineThatIsNotWholeStepsOfTheModelsF_IsRefusedNamingFileAndLine(string command)
    {
        string file = Path.Combine(trained.Scratch, $"bad-{command}.csv");
        File.WriteAllText(file, "same,1,2,3,4,5,6\ndiff,1,2,3,4\n");
        var r = command == "predict" ? CliRunner.Run("predict", Last, "--input", file) : CliRunner.Run("eval", Last, "--data", file);
        Assert.Equal(2, r.ExitCode);
        string error = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"rnn: '{file}' line 2: 4 numbers after the label, which is not a multiple of 3", error);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void TheOnnxExportCarriesFAndTheStatistics_EnoughToClassifyAlone()
    {
        string onnx = Path.Combine(trained.Scratch, "mc.onnx");
        var r = CliRunner.Run("export", Last, "--format", "onnx", "--out", onnx);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(TaskSidecar.PathBeside(onnx)));
        var task = doc.RootElement;
        Assert.Equal(3, task.GetProperty("features_per_step").GetInt32());
        double[] mean = task.GetProperty("standardisation").GetProperty("mean").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double[] std = task.GetProperty("standardisation").GetProperty("std").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        string[] labels = task.GetProperty("labels").EnumerateArray().Select(x => x.GetString()!).ToArray();

        // From the export alone: the line's numbers as (T, 1, 3) frames, each channel standardised as the sidecar says.
        var classifier = SequenceClassifier.Load(Last);
        var records = ClassificationData.Read(trained.Eval, ClassificationFormat.Csv, requireLabels: true, featuresPerStep: 3).Take(8).ToList();
        var expected = classifier.Predict(records);
        using var session = new InferenceSession(onnx);
        int hidden = classifier.Model.Config.HiddenSize;
        for (int i = 0; i < records.Count; i++)
        {
            float[] v = records[i].Values;
            float[] x = v.Select((value, j) => (float)((value - mean[j % 3]) / std[j % 3])).ToArray();
            var inputs = new Dictionary<string, OrtValue>
            {
                [OnnxExport.FeaturesInput] = OrtValue.CreateTensorValueFromMemory(x, [v.Length / 3, 1, 3]),
                [OnnxExport.InitialH] = OrtValue.CreateTensorValueFromMemory(new float[hidden], [1, 1, hidden]),
                [OnnxExport.InitialC] = OrtValue.CreateTensorValueFromMemory(new float[hidden], [1, 1, hidden]),
            };
            try
            {
                using var options = new RunOptions();
                using var results = session.Run(options, inputs, [OnnxExport.Output]);
                float[] logits = results[0].GetTensorDataAsSpan<float>().ToArray();
                Assert.Equal(expected[i].Label, labels[Array.IndexOf(logits, logits.Max())]);
                double p = Math.Exp(logits.Max()) / logits.Sum(z => Math.Exp(z));
                Assert.Equal(expected[i].Probability, p, 4);
            }
            finally { foreach (var value in inputs.Values) value.Dispose(); }
        }
    }

    [Fact]
    public void FineTuningFromAMultichannelModel_ReadsTheDataWithItsF_AndKeepsItsStatistics()
    {
        string tuned = Path.Combine(trained.Scratch, "tuned");
        var r = CliRunner.Run("train", "--task", "classify", "--data", trained.Train, "--init-from", Last, "--run-dir", tuned, "--steps", "2", "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        string last = Path.Combine(tuned, RunDirectory.LastFile);
        Assert.Equal(3, FitState.FromJson(ModelFile.Read(last).Training!, last).Run!["model"]!["features_per_step"]!.GetValue<int>());
        var (from, to) = (SequenceClassifier.Load(Last), SequenceClassifier.Load(last));
        Assert.Equal(3, to.FeaturesPerStep);
        Assert.Equal(from.Standardisation!.Mean, to.Standardisation!.Mean);
        Assert.Equal(from.Standardisation.Std, to.Standardisation.Std);
    }

    [Fact]
    public void FeaturesPerStepIsRefusedWithText_WithResume_WithInitFrom_AndWhenNotPositive()
    {
        string text = Path.Combine(trained.Scratch, "text.tsv");
        File.WriteAllText(text, "yes\tzebra\nno\tcat\n");
        string never = Path.Combine(trained.Scratch, "never");
        (string[] Args, string Message)[] cases =
        [
            (["train", "--task", "classify", "--data", text, "--features-per-step", "3", "--run-dir", never],
                $"rnn: --features-per-step is for numeric data (a .csv file of 'label,v1,...,vn' lines), but '{text}' is read as text"),
            (["train", "--task", "classify", "--data", trained.Train, "--val", text, "--features-per-step", "3", "--run-dir", never],
                $"but '{text}' is read as text"),
            (["train", "--task", "classify", "--data", trained.Train, "--features-per-step", "0", "--run-dir", never],
                "rnn: --features-per-step must be positive, got 0."),
            (["train", "--resume", trained.Run, "--features-per-step", "3"],
                "rnn: --features-per-step cannot be used with --resume: a resumed run keeps the settings it started with"),
            (["train", "--task", "classify", "--data", trained.Train, "--init-from", trained.Run, "--features-per-step", "3", "--run-dir", never],
                "rnn: --features-per-step cannot be used with --init-from"),
        ];
        foreach (var (args, message) in cases)
        {
            var r = CliRunner.Run(args);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', args)}: {r.ExitCode} {r.Stderr}");
            Assert.Contains(message, Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            Assert.False(Directory.Exists(never), "a refused run must not create its run directory");
        }
    }

    [Fact]
    public void TrainingDataWithACountThatIsNotAMultipleOfF_IsRefusedBeforeTheRunStarts()
    {
        string bad = Path.Combine(trained.Scratch, "bad-train.csv");
        File.WriteAllText(bad, "same,1,2,3,4,5,6\n# a comment\ndiff,1,2,3,4,5\n");
        string never = Path.Combine(trained.Scratch, "never-bad");
        var r = CliRunner.Run("train", "--task", "classify", "--data", bad, "--features-per-step", "3", "--run-dir", never);
        Assert.Equal(2, r.ExitCode);
        string error = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"rnn: '{bad}' line 3: 5 numbers after the label, which is not a multiple of 3", error);
        Assert.EndsWith("use a model trained with that number (--features-per-step).", error.TrimEnd('\r'));
        Assert.False(Directory.Exists(never));
    }
}
