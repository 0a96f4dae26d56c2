// ForgetGateBiasSettingsTests: ClassifierSettings.ForgetGateBias (and ForecastModelSettings' and
// LanguageModelOptions') reaches the ModelConfig the classifier, tagger, regressor, forecaster and language model
// build: the LSTM's initial forget block of bias_ih is the value (bias_hh's is zero); null keeps the model default,
// so a model built without it is the one built before the setting existed, parameter for parameter, and a run spec
// without it is written as before (no forget_gate_bias entry).
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.Initialization;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Regression;
using Recurrent.Supervised;
using Recurrent.Tagging;
using Recurrent.Training;

namespace Recurrent.Tests.Unit.Classification;

public sealed class ForgetGateBiasSettingsTests
{
    private static readonly List<ClassificationRecord> Rows =
        [new("zebra", "z z y", [], 1), new("ant", "a a b", [], 2), new("zebra", "z", [], 3)];

    private static readonly List<TaggedSentence> Sentences =
        [new(["the", "cat", "sat"], ["O", "B", "O"], 1), new(["a", "dog"], ["O", "B"], 2)];

    /// <summary>The forget block [H, 2H) of bias_ih and of bias_hh, for every direction of every layer.</summary>
    private static List<(float[] Ih, float[] Hh)> ForgetBlocks(SequenceModel<float> model)
    {
        int h = model.Config.HiddenSize;
        var blocks = new List<(float[], float[])>();
        foreach (var name in model.Parameters.Parameters.Select(p => p.Name).Where(n => n.StartsWith("rnn.bias_ih_l", StringComparison.Ordinal)))
        {
            var ih = model.Parameters.Value(model.Parameters[name]).ToArray();
            var hh = model.Parameters.Value(model.Parameters[name.Replace("bias_ih", "bias_hh", StringComparison.Ordinal)]).ToArray();
            blocks.Add((ih[h..(2 * h)], hh[h..(2 * h)]));
        }
        Assert.NotEmpty(blocks);
        return blocks;
    }

    private static void AssertForgetBias(SequenceModel<float> model, double bias)
    {
        Assert.Equal(bias, model.Config.ForgetGateBias);
        foreach (var (ih, hh) in ForgetBlocks(model))
        {
            Assert.All(ih, v => Assert.Equal((float)bias, v));
            Assert.All(hh, v => Assert.Equal(0f, v));
        }
    }

    private static void AssertSameParameters(SequenceModel<float> a, SequenceModel<float> b)
    {
        var names = a.Parameters.Parameters.Select(p => p.Name).ToList();
        Assert.Equal(names, b.Parameters.Parameters.Select(p => p.Name));
        foreach (var name in names)
            Assert.Equal(a.Parameters.Value(a.Parameters[name]).ToArray(), b.Parameters.Value(b.Parameters[name]).ToArray());
    }

    [Fact]
    public void The_classifier_tagger_and_regressor_start_with_the_given_forget_bias()
    {
        var settings = new ClassifierSettings { HiddenSize = 5, EmbeddingSize = 3, Layers = 2, Bidirectional = true, ForgetGateBias = 3 };
        AssertForgetBias(SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, settings, seed: 1).Model, 3);
        AssertForgetBias(SequenceTagger.Create(Sentences, settings, seed: 1).Model, 3);
        var regressor = SequenceRegressor.Train([[1f, 2f, 3f], [3f, 2f, 1f]], [1f, 0f], [], [], settings with { EmbeddingSize = 0 },
            new SupervisedOptions { Fit = new FitOptions { Steps = 1 } });
        Assert.Equal(3.0, regressor.Model.Config.ForgetGateBias);
        AssertForgetBias(SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, settings with { ForgetGateBias = -0.5 }, seed: 1).Model, -0.5);
    }

    [Fact]
    public void Without_a_value_the_model_is_the_one_built_before_the_setting_existed()
    {
        var settings = new ClassifierSettings { HiddenSize = 6, EmbeddingSize = 4 };
        Assert.Null(settings.ForgetGateBias);
        var classifier = SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, settings, seed: 7);
        AssertForgetBias(classifier.Model, ModelConfig.DefaultForgetGateBias);
        Assert.Equal(1.0, ModelConfig.DefaultForgetGateBias);
        // The configuration the classifier built before ForgetGateBias was a setting (ModelConfig's own default).
        var before = new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = classifier.Model.Config.InputSize, EmbeddingSize = 4, Cell = CellKind.Lstm,
            HiddenSize = 6, Layers = 1, Head = HeadKind.LastStep, OutputSize = 2, WeightInit = WeightInit.XavierUniform,
        };
        Assert.Equal(before, classifier.Model.Config);
        AssertSameParameters(new SequenceModel<float>(before, 7), classifier.Model);
        // An explicit 1 is the default too.
        AssertSameParameters(classifier.Model, SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, settings with { ForgetGateBias = 1 }, seed: 7).Model);

        // The run spec of a run without it has no forget_gate_bias entry (old checkpoints read the same); with it, one.
        var spec = new SupervisedRunSpec { Kind = "classify", Model = settings, Training = new SupervisedOptions(), Data = new SupervisedDataSpec { Path = "/x.tsv" } };
        Assert.DoesNotContain("forget_gate_bias", spec.ToJsonNode().ToJsonString());
        var withBias = spec with { Model = settings with { ForgetGateBias = 3 } };
        Assert.Contains("\"forget_gate_bias\":3", withBias.ToJsonNode().ToJsonString());
        Assert.Equal(3.0, SupervisedRunSpec.FromJsonNode(withBias.ToJsonNode(), "test").Model.ForgetGateBias);
        Assert.Null(SupervisedRunSpec.FromJsonNode(spec.ToJsonNode(), "test").Model.ForgetGateBias);
    }

    [Fact]
    public void A_gru_has_no_forget_gate_and_is_unchanged()
    {
        var gru = new ClassifierSettings { Cell = CellKind.Gru, HiddenSize = 4, EmbeddingSize = 3 };
        AssertSameParameters(SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, gru, seed: 2).Model,
            SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, gru with { ForgetGateBias = 3 }, seed: 2).Model);
    }

    [Fact]
    public void The_forecaster_and_the_language_model_take_it_too()
    {
        var column = new ForecastColumn("v", 0, 0, 1);
        var spec = new ForecastSpec([column], [column], Window: 4, Horizon: 2);
        Assert.Equal(ModelConfig.DefaultForgetGateBias, Forecaster.ConfigFor(spec, new ForecastModelSettings()).ForgetGateBias);
        Assert.Equal(3.0, Forecaster.ConfigFor(spec, new ForecastModelSettings { ForgetGateBias = 3 }).ForgetGateBias);
        Assert.Throws<ArgumentException>(() => new ForecastModelSettings { ForgetGateBias = double.NaN }.Validate());

        Assert.Equal(ModelConfig.DefaultForgetGateBias, new LanguageModelOptions().ModelConfig(10).ForgetGateBias);
        var lm = new LanguageModelOptions { ForgetGateBias = 2.5 };
        Assert.Equal(2.5, lm.ModelConfig(10).ForgetGateBias);
        Assert.Equal(nameof(LanguageModelOptions.ForgetGateBias),
            Assert.Throws<ArgumentException>(() => (lm with { ForgetGateBias = double.PositiveInfinity }).Validate()).ParamName);
    }

    [Fact]
    public void A_non_finite_value_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SequenceClassifier.Create(Rows, ClassificationFormat.Tsv, new ClassifierSettings { HiddenSize = 4, ForgetGateBias = double.NaN }, seed: 1));
        Assert.Equal(nameof(ModelConfig.ForgetGateBias), e.ParamName);
    }
}
