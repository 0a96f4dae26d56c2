// ClassifierLabelSetTests: SequenceClassifier.Create with a given label set — the outputs follow the set's order
// (not the sorted order of the labels seen), a label the training rows never show still gets an output, and a
// training label outside the set, or a set with duplicates, is refused naming the line or the set.
using Recurrent.Classification;

namespace Recurrent.Tests.Unit.Classification;

public sealed class ClassifierLabelSetTests
{
    private static readonly List<ClassificationRecord> Rows =
        [new("zebra", "z z", [], 1), new("ant", "a a", [], 2), new("zebra", "z", [], 3)];

    [Fact]
    public void The_given_order_is_the_output_order_and_unseen_labels_get_outputs()
    {
        var classifier = SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, new ClassifierSettings { HiddenSize = 4 }, seed: 1, labels: ["zebra", "moth", "ant"]);
        Assert.Equal(["zebra", "moth", "ant"], classifier.Labels.Names);
        Assert.Equal(3, classifier.Model.Config.OutputSize);
        Assert.Equal(3, classifier.Predict(Rows)[0].Probabilities.Length);

        var sorted = SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, new ClassifierSettings { HiddenSize = 4 }, seed: 1);
        Assert.Equal(["ant", "zebra"], sorted.Labels.Names);
    }

    [Fact]
    public void A_training_label_outside_the_set_or_a_duplicate_is_refused()
    {
        var outside = Assert.Throws<ArgumentException>(() =>
            SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, new ClassifierSettings { HiddenSize = 4 }, seed: 1, labels: ["zebra"]));
        Assert.Contains("line 2", outside.Message);
        Assert.Contains("'ant'", outside.Message);
        var duplicate = Assert.Throws<ArgumentException>(() =>
            SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, new ClassifierSettings { HiddenSize = 4 }, seed: 1, labels: ["ant", "zebra", "ant"]));
        Assert.Equal("labels", duplicate.ParamName);
    }
}
