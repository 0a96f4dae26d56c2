// A small LSTM learns a three-channel classification whose label is the interaction of two channels — "same" iff
// the means of channels 0 and 1 have the same sign (an XOR of two signs; channel 1 at 40 times channel 0's scale,
// channel 2 irrelevant noise around 100), so neither channel alone beats chance and the network must combine the
// F = 3 numbers of every step. Fixed seed, a few seconds on two cores.
using Recurrent.Classification;
using Recurrent.Layers;
using Recurrent.Supervised;
using Recurrent.Tests.Data;
using Recurrent.Tests.Supervised;

namespace Recurrent.Tests.Classification;

public sealed class MultichannelLearningTests
{
    [Fact]
    public void AnLstmLearnsTheInteractionOfTwoChannels_WhichNeitherChannelAlonePredicts()
    {
        using var dir = new TempDirectory();
        var train = ClassificationData.Read(dir.File("t.csv", TaskSynthetic.Multichannel(400, 41)), ClassificationFormat.Csv, true, featuresPerStep: 3);
        var validation = ClassificationData.Read(dir.File("v.csv", TaskSynthetic.Multichannel(150, 42)), ClassificationFormat.Csv, true, featuresPerStep: 3);

        // Neither channel alone: the best rule on one channel's mean sign is right about half the time.
        foreach (int channel in new[] { 0, 1 })
        {
            double agree = validation.Average(r => (MeanSign(r.Values, channel) > 0) == (r.Label == "same") ? 1.0 : 0.0);
            Assert.InRange(Math.Max(agree, 1 - agree), 0.5, 0.6);
        }

        var settings = new ClassifierSettings { Cell = CellKind.Lstm, HiddenSize = 16, FeaturesPerStep = 3 };
        var options = new SupervisedOptions { BatchSize = 16, Seed = 5, Optimization = new() { LearningRate = 1e-2, ClipNorm = 5 }, Fit = new() { Epochs = 15, Patience = null } };
        var (classifier, outcome) = SequenceClassifier.Train(train, validation, ClassificationFormat.Csv, settings, options);
        Assert.Equal(3, classifier.Model.Config.InputSize);
        Assert.Equal(3, classifier.FeaturesPerStep);
        double accuracy = classifier.Evaluate(validation).Accuracy;
        Assert.True(accuracy >= 0.9, $"validation accuracy {accuracy:F3} after {outcome.Step} updates");
    }

    private static double MeanSign(float[] values, int channel)
    {
        double sum = 0;
        for (int i = channel; i < values.Length; i += 3) sum += values[i];
        return Math.Sign(sum);
    }
}
