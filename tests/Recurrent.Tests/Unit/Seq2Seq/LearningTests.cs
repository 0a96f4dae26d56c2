// Small learning runs: the one-to-many model learns to emit a different sequence for each feature vector
// (it can only tell them apart through the initial state), and a small addition task learns far beyond an
// untrained model. Both train on the fit loop (ConditionedGeneratorTraining, Seq2SeqTraining through AdditionDemo).
using Recurrent.Layers;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Demos;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Xunit.Abstractions;

namespace Recurrent.Tests.Seq2Seq;

public sealed class LearningTests(ITestOutputHelper log)
{
    [Fact]
    public void OneToManyEmitsTheSequenceOfEachFeatureVector()
    {
        var vocab = Seq2SeqVocabulary.FromTexts(["abc"]);
        string[] texts = ["abc", "ba", "cab", "aaa", "c"];
        const int F = 6;
        var rng = new Rng(17);
        var features = new float[texts.Length * F];
        for (int i = 0; i < features.Length; i++) features[i] = (float)rng.Uniform(-1, 1);
        var model = new ConditionedGenerator<float>(new ConditionedGeneratorConfig
        {
            Features = F, Vocabulary = vocab.Size, EmbeddingSize = 8, Cell = CellKind.Lstm, HiddenSize = 24, MaxLength = 6,
        }, 3);
        var before = model.Generate(features, texts.Length).Select(h => vocab.Decode(h.Tokens)).ToArray();
        var examples = texts.Select((t, i) => new ConditionedExample(features.AsSpan(i * F, F).ToArray(), vocab.Encode(t))).ToList();
        double loss = double.NaN;
        var outcome = ConditionedGeneratorTraining.Train(model, examples, batchSize: texts.Length, new OptimizationOptions { LearningRate = 0.01 },
            new FitOptions { Steps = 300 }, callbacks: [new LambdaCallback { StepEnd = s => loss = s.Loss }]);
        Assert.Equal(300, outcome.Step);
        var after = model.Generate(features, texts.Length).Select(h => vocab.Decode(h.Tokens)).ToArray();
        var beamed = model.Generate(features, texts.Length, beam: 3).Select(h => vocab.Decode(h.Tokens)).ToArray();
        log.WriteLine($"loss {loss:F4}; before [{string.Join(", ", before)}]; after [{string.Join(", ", after)}]; beam [{string.Join(", ", beamed)}]");
        Assert.Equal(texts, after);
        Assert.Equal(texts, beamed);
        Assert.NotEqual(texts, before);
    }

    [Fact]
    public void SmallAdditionLearnsFarBeyondChance()
    {
        var options = new AdditionOptions
        {
            Examples = 2000, Digits = 2, HiddenSize = 64, EmbeddingSize = 12, BatchSize = 32, LearningRate = 0.01, LearningRateDecay = 1, Epochs = 12,
            EvaluateEvery = 0, Target = 1.0, Seed = 2,
        };
        var result = AdditionDemo.Run(options, [new LambdaCallback
        {
            Evaluated = e => log.WriteLine($"step {e.Step} per-char {e.Evaluation[Seq2SeqTraining.MonitoredMetric]:P1} exact {e.Evaluation["val_sequence_accuracy"]:P1} loss {e.Loss:F3}"),
        }]);
        var best = result.Validation!;
        var untrained = new Seq2SeqModel<float>(result.Model.Config, options.Seed);
        var validation = AdditionDemo.Generate(options.Examples, options.Digits, options.Seed).TakeLast(200).ToList();
        var untrainedMetrics = Seq2SeqMetrics.Compute(Seq2SeqPredictor.Predict(untrained, result.Vocabulary, validation.Select(p => p.Source).ToList()),
            validation.Select(p => p.Target).ToList());
        // The reported metrics are those of the returned (best) weights.
        var trained = Seq2SeqMetrics.Compute(Seq2SeqPredictor.Predict(result.Model, result.Vocabulary, validation.Select(p => p.Source).ToList()),
            validation.Select(p => p.Target).ToList());
        Assert.Equal(trained, best);
        log.WriteLine($"untrained per-char {untrainedMetrics.TokenAccuracy:P1}; trained {best.TokenAccuracy:P1}");
        Assert.True(best.TokenAccuracy >= 0.75, $"per-character accuracy {best.TokenAccuracy:P1}");
        Assert.True(untrainedMetrics.TokenAccuracy < 0.3, $"untrained per-character accuracy {untrainedMetrics.TokenAccuracy:P1}");
    }
}
