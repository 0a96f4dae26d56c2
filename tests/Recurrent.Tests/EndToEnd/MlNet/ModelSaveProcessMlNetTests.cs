// ModelSaveProcessMlNetTests: a model saved with mlContext.Model.Save loads and predicts in a NEW PROCESS that does not
// reference Recurrent — tests/MlNetLoadCheck (ML.NET, OnnxTransformer and ONNX Runtime only), started with
// `dotnet MlNetLoadCheck.dll`, loads the zip, scores inputs from a file and writes its Score/PredictedLabel; they must
// be the managed transformer's (labels equal, scores to 1e-4; the largest difference is in the message).
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;
using Xunit.Abstractions;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class ModelSaveProcessMlNetTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-mlsave-process-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // tests/MlNetLoadCheck/bin/<configuration>/<tfm>/MlNetLoadCheck.dll, beside this test assembly's tests/Recurrent.Tests/bin/<configuration>/<tfm>/.
    private static string LoaderPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = output.Name, configuration = output.Parent!.Name;
        string tests = output.Parent.Parent!.Parent!.Parent!.FullName;
        string path = Path.Combine(tests, "MlNetLoadCheck", "bin", configuration, tfm, "MlNetLoadCheck.dll");
        Assert.True(File.Exists(path), $"{path} is not built (the test project builds it: ProjectReference MlNetLoadCheck).");
        return path;
    }

    // Runs the loader on `inputs` and returns its output lines, each as name → value.
    private List<Dictionary<string, string>> LoadInNewProcess(string zip, string kind, string column, IEnumerable<string> inputs)
    {
        string input = Path.Combine(_dir, "inputs.txt"), output = Path.Combine(_dir, "outputs.txt");
        File.WriteAllLines(input, inputs);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (string a in new[] { LoaderPath(), zip, kind, column, input, output }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEndAsync().Result + process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the loader did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"the loader failed ({process.ExitCode}): {stderr}");
        Assert.NotEqual(Environment.ProcessId, process.Id);
        return File.ReadAllLines(output).Select(l => l.Split('\t').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1])).ToList();
    }

    private static float[] Floats(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void A_char_text_classifier_saved_with_Model_Save_predicts_the_same_in_a_new_process()
    {
        var ml = new MLContext(seed: 1);
        var train = MlNetTextData.View(ml, MlNetTextData.Rows(150, seed: 11));
        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
        {
            Tokens = "char", HiddenSize = 12, EmbeddingSize = 8, Epochs = 2, LearningRate = 0.02,
        })).Fit(train);
        string zip = Path.Combine(_dir, "text.zip");
        ml.Model.Save(model.LastTransformer, train.Schema, zip);   // the classifier alone: its input is the text, no label

        var rows = MlNetTextData.Rows(30, seed: 12);
        rows.Add(new TextRow { Label = "red", Text = "" });
        var managed = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var loaded = LoadInNewProcess(zip, "text", "Text", rows.Select(r => r.Text));

        Assert.Equal(managed.GetColumn<uint>("PredictedLabel").Select(k => k.ToString(CultureInfo.InvariantCulture)), loaded.Select(l => l["PredictedLabel"]));
        var (largest, message) = ModelSaveTextMlNetTests.LargestDifference(
            managed.GetColumn<float[]>("Score").SelectMany(s => s).ToArray(), loaded.SelectMany(l => Floats(l["Score"])).ToArray());
        output.WriteLine($"{nameof(ModelSaveProcessMlNetTests)}: {message}");
        Assert.True(largest < 1e-5f, message);
    }

    [Fact]
    public void A_sequence_regressor_saved_with_Model_Save_predicts_the_same_in_a_new_process()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MlNetSequenceData.VariableRegression(80, seed: 2, featuresPerStep: 2));
        var model = ml.Regression.Trainers.RecurrentSequence(new RecurrentSequenceOptions { FeaturesPerStep = 2, HiddenSize = 8, Epochs = 3, LearningRate = 0.02 }).Fit(data);
        string zip = Path.Combine(_dir, "regressor.zip");
        ml.Model.Save(model, data.Schema, zip);

        var rows = MlNetSequenceData.VariableRegression(30, seed: 3, featuresPerStep: 2);
        var managed = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        var loaded = LoadInNewProcess(zip, "numbers", "Features",
            rows.Select(r => string.Join(' ', r.Features.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        var (largest, message) = ModelSaveTextMlNetTests.LargestDifference(managed, loaded.Select(l => Floats(l["Score"])[0]).ToArray());
        output.WriteLine($"{nameof(ModelSaveProcessMlNetTests)}: {message}");
        Assert.True(largest < 1e-5f, message);
    }
}
