// Reading multichannel numeric sequences: with F features per step a CSV line is the label, then T·F numbers
// step-major, and becomes T frames of F (the model's dense input (T,B,F)); a count that is not a multiple of F is
// refused naming the file, the line and the count; and the same numbers read with F = 1 (no --features-per-step)
// are T·F one-number steps, which is what docs/classification-and-tagging.md warns about.
using Recurrent.Classification;
using Recurrent.Supervised;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Classification;

public sealed class MultichannelDataTests
{
    private const string ThreeChannels = "# x,y,z per step\nwalk,1,2,3,4,5,6\nrun,0.5,-1,2e1\n\nwalk,7,8,9,10,11,12,13,14,15\n";

    [Fact]
    public void ThreeFeaturesPerStep_LinesBecomeFramesOfThree_StepMajor()
    {
        using var dir = new TempDirectory();
        var rows = ClassificationData.Read(dir.File("mc.csv", ThreeChannels), ClassificationFormat.Csv, requireLabels: true, featuresPerStep: 3);
        Assert.Equal(["walk", "run", "walk"], rows.Select(r => r.Label));
        Assert.Equal([2, 3, 5], rows.Select(r => r.Line));

        var classifier = SequenceClassifier.Create(rows, ClassificationFormat.Csv, new ClassifierSettings { HiddenSize = 4, FeaturesPerStep = 3 }, seed: 1);
        Assert.Equal(3, classifier.Model.Config.InputSize);
        var examples = classifier.Examples(rows, "training", unknownLabelIsError: true);
        Assert.Equal([2, 1, 3], examples.Select(e => e.Steps(3)));

        // Frame t of a sequence is (x_t, y_t, z_t): in a padded batch it is row b's F values at step t, (T,B,F).
        var batch = new PaddedBatch();
        batch.Fill(examples, [0, 2], featuresPerStep: 3, perStep: false);
        Assert.Equal((3, 2, 3), (batch.Steps, batch.Batch, batch.FeaturesPerStep));
        Assert.Equal([2, 3], batch.Lengths.ToArray());
        var s = classifier.Standardisation!;
        for (int t = 0; t < 3; t++)
            for (int k = 0; k < 3; k++)
            {
                float raw = rows[2].Values[t * 3 + k];
                Assert.Equal((float)((raw - s.Mean[k]) / s.Std[k]), batch.Features[(t * 2 + 1) * 3 + k]);
                if (t < 2) Assert.Equal((float)((rows[0].Values[t * 3 + k] - s.Mean[k]) / s.Std[k]), batch.Features[(t * 2) * 3 + k]);
                else Assert.Equal(0f, batch.Features[(t * 2) * 3 + k]); // row 0 has 2 steps: step 3 is padding
            }
    }

    [Theory]
    [InlineData("walk,1,2,3\nrun,1,2,3,4\n", true, "line 2", "4 numbers after the label")]
    [InlineData("walk,1,2,3\n\nrun,1,2\n", true, "line 3", "2 numbers after the label")]
    [InlineData("1,2,3,4,5\n", false, "line 1", "5 numbers,")]          // prediction input without a label
    [InlineData("walk,1,2,3,4,5,6,7\n", false, "line 1", "7 numbers after the label")]
    public void ACountThatIsNotAMultipleOfF_IsRefusedNamingFileLineAndCount(string text, bool requireLabels, string line, string count)
    {
        using var dir = new TempDirectory();
        string f = dir.File("bad.csv", text);
        var e = Assert.Throws<InvalidDataException>(() => ClassificationData.Read(f, ClassificationFormat.Csv, requireLabels, featuresPerStep: 3));
        Assert.StartsWith($"'{f}' {line}: {count}", e.Message);
        Assert.Contains("not a multiple of 3", e.Message);
        Assert.Contains("complete or remove the line", e.Message);
    }

    [Fact]
    public void RecordsMadeInCode_AreCheckedAgainstTheModelsFeaturesPerStep()
    {
        var rows = new List<ClassificationRecord> { new("a", "", [1, 2, 3, 4], 1), new("b", "", [5, 6], 2) };
        var classifier = SequenceClassifier.Create(rows, ClassificationFormat.Csv, new ClassifierSettings { HiddenSize = 4, FeaturesPerStep = 2 }, seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => classifier.Predict([new(null, "", [1, 2, 3], 7)]));
        Assert.Contains("line 7", e.Message);
        Assert.Contains("3 numbers", e.Message);
        Assert.Contains("not a multiple of 2", e.Message);
        var bad = Assert.Throws<InvalidDataException>(() => SequenceClassifier.Create([.. rows, new("a", "", [1], 9)], ClassificationFormat.Csv,
            new ClassifierSettings { FeaturesPerStep = 2 }, seed: 1));
        Assert.Contains("line 9", bad.Message);
    }

    [Fact]
    public void FeaturesPerStepIsForNumbers_TextAndNonPositiveValuesAreRefused()
    {
        using var dir = new TempDirectory();
        string tsv = dir.File("t.tsv", "pos\tgood\n");
        var reading = Assert.Throws<ArgumentException>(() => ClassificationData.Read(tsv, ClassificationFormat.Tsv, true, featuresPerStep: 2));
        Assert.Equal("featuresPerStep", reading.ParamName);
        var zero = Assert.Throws<ArgumentException>(() => ClassificationData.Read(dir.File("c.csv", "a,1\n"), ClassificationFormat.Csv, true, featuresPerStep: 0));
        Assert.Contains("got 0", zero.Message);
        var rows = ClassificationData.Read(tsv, ClassificationFormat.Tsv, true);
        var building = Assert.Throws<ArgumentException>(() => SequenceClassifier.Create(rows, ClassificationFormat.Tsv, new ClassifierSettings { FeaturesPerStep = 2 }, seed: 1));
        Assert.Equal(nameof(ClassifierSettings.FeaturesPerStep), building.ParamName);
    }

    [Fact]
    public void WithoutFeaturesPerStep_InterleavedChannelsAreOneLongSingleChannelSequence()
    {
        // The documented caveat: F = 1 cannot tell channels from steps, so T steps of 3 channels are 3·T steps of 1.
        using var dir = new TempDirectory();
        string f = dir.File("mc.csv", ThreeChannels);
        var flat = ClassificationData.Read(f, ClassificationFormat.Csv, requireLabels: true);
        var framed = ClassificationData.Read(f, ClassificationFormat.Csv, requireLabels: true, featuresPerStep: 3);
        for (int i = 0; i < flat.Count; i++) Assert.Equal(framed[i].Values, flat[i].Values);

        var classifier = SequenceClassifier.Create(flat, ClassificationFormat.Csv, new ClassifierSettings { HiddenSize = 4 }, seed: 1);
        Assert.Equal(1, classifier.Model.Config.InputSize);
        Assert.Equal(1, classifier.FeaturesPerStep);
        Assert.Equal([6, 3, 9], classifier.Examples(flat, "training", true).Select(e => e.Steps(1)));
        // One standardisation for all the numbers, whatever channel they came from.
        Assert.Equal(1, classifier.Standardisation!.Channels);
        Assert.Equal(flat.SelectMany(r => r.Values).Average(v => (double)v), classifier.Standardisation.Mean[0], 9);
    }
}
