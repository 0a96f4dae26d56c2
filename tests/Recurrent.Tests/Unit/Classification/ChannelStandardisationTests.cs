// ChannelStandardisation and where it lives: the statistics of each channel over every training step (population
// std, 1 for a constant channel), stored in the classifier's task description and read back bit for bit from the
// model file, so a loaded model scales and predicts exactly as before; text classifiers store none, and numeric
// models written before it existed (the format-1 fixture) still load with one channel read unscaled.
using System.Text.Json;
using Recurrent.Applications;
using Recurrent.Classification;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Classification;

public sealed class ChannelStandardisationTests
{
    [Fact]
    public void FitTakesEachChannelOverAllSteps_AndAConstantChannelKeepsStdOne()
    {
        // Two sequences of (a, b, c) steps: a = 1, 3, 5 (mean 3, population std √(8/3)), b = 10, 10, 10, c = 0, 0, 6.
        var s = ChannelStandardisation.Fit([[1, 10, 0, 3, 10, 0], [5, 10, 6]], featuresPerStep: 3);
        Assert.Equal([3, 10, 2], s.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Std[0], 12);
        Assert.Equal(1, s.Std[1]);
        Assert.Equal(Math.Sqrt(8.0), s.Std[2], 12);
        Assert.Equal([(float)(-2 / Math.Sqrt(8.0 / 3)), 0f, (float)(4 / Math.Sqrt(8.0))], s.Apply([1, 10, 6]));
        Assert.Throws<ArgumentException>(() => s.Apply([1, 2]));
        Assert.Throws<ArgumentException>(() => ChannelStandardisation.Fit([[1, 2, 3]], featuresPerStep: 2));
    }

    [Fact]
    public void TheStatisticsAreStoredInTheModelFile_AndALoadedModelPredictsExactlyTheSame()
    {
        using var dir = new TempDirectory();
        var rows = ClassificationData.Read(dir.File("mc.csv", "a,1,100,2,300\nb,3,500,4,700,5,900\na,0,0\n"), ClassificationFormat.Csv, true, featuresPerStep: 2);
        var classifier = SequenceClassifier.Create(rows, ClassificationFormat.Csv, new ClassifierSettings { HiddenSize = 5, FeaturesPerStep = 2 }, seed: 3);
        var s = classifier.Standardisation!;
        Assert.Equal([15 / 6.0, 2500 / 6.0], s.Mean);

        string path = Path.Combine(dir.Path, "m.safetensors");
        classifier.Save(path);
        // In the file: the task entry carries the standardisation next to the format, tokens and labels.
        var (_, metadata) = ModelFile.ReadWithMetadata(path);
        using (var task = JsonDocument.Parse(metadata[TaskDescription.MetadataKey]))
        {
            var stored = task.RootElement.GetProperty("standardisation");
            Assert.Equal(s.Mean, stored.GetProperty("mean").EnumerateArray().Select(x => x.GetDouble()));
            Assert.Equal(s.Std, stored.GetProperty("std").EnumerateArray().Select(x => x.GetDouble()));
        }
        var loaded = SequenceClassifier.Load(path);
        Assert.Equal(2, loaded.FeaturesPerStep);
        Assert.Equal(s.Mean, loaded.Standardisation!.Mean);
        Assert.Equal(s.Std, loaded.Standardisation.Std);
        var before = classifier.Predict(rows, batchSize: 2);
        var after = loaded.Predict(rows, batchSize: 3);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(before[i].Probabilities, after[i].Probabilities);
    }

    [Fact]
    public void ABrokenOrMismatchedStandardisationIsRefusedNamingTheFile()
    {
        using var dir = new TempDirectory();
        var rows = ClassificationData.Read(dir.File("mc.csv", "a,1,2\nb,3,4\n"), ClassificationFormat.Csv, true, featuresPerStep: 2);
        var classifier = SequenceClassifier.Create(rows, ClassificationFormat.Csv, new ClassifierSettings { HiddenSize = 3, FeaturesPerStep = 2 }, seed: 1);
        string path = Path.Combine(dir.Path, "m.safetensors");
        var threeChannels = new ClassifierDescription("csv", "numbers", ["a", "b"], new ChannelStandardisation([0, 0, 0], [1, 1, 1]));
        TaskModelFile.Save(path, classifier.Model, threeChannels, null);
        var e = Assert.Throws<InvalidDataException>(() => SequenceClassifier.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("3 channels", e.Message);

        var zeroStd = new ClassifierDescription("csv", "numbers", ["a", "b"], new ChannelStandardisation([0, 0], [1, 0]));
        TaskModelFile.Save(path, classifier.Model, zeroStd, null);
        Assert.Contains("incomplete", Assert.Throws<InvalidDataException>(() => SequenceClassifier.Load(path)).Message);
    }

    [Fact]
    public void TextClassifiersStoreNone_AndOldNumericFilesLoadAsOneUnscaledChannel()
    {
        Assert.DoesNotContain("standardisation", new ClassifierDescription("tsv", "char", ["x"]).ToJson());
        var old = SequenceClassifier.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1", "classify_numbers.safetensors"));
        Assert.Equal(ClassificationFormat.Csv, old.Format);
        Assert.Equal(1, old.FeaturesPerStep);
        Assert.Null(old.Standardisation);
        // Unscaled: the example the network sees is the line's numbers as they are.
        var example = old.Examples([new ClassificationRecord(null, "", [0.25f, -3f], 1)], "input", false).Single();
        Assert.Equal([0.25f, -3f], example.Features);
    }
}
