// DynamicEvaluation through the library: it adapts (a repeated phrase gets cheaper than under the static model), it
// is the static evaluator exactly when η = 0, it gives the caller's weights back untouched, and its update is
// θ − η·g + λ·(θ₀ − θ) element by element (checked against a scalar double reference at every length 0..67).
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Randomness;
using Recurrent.Tests.Cli;

namespace Recurrent.Tests.LanguageModels;

public sealed class DynamicEvaluationTests(TrainedCharModel trained) : IClassFixture<TrainedCharModel>
{
    private static readonly string Repetitive = string.Concat(Enumerable.Repeat("the big red dog sat on a mat and ran. ", 30));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ARepeatedPhraseCostsLessThanUnderTheStaticModel(int batch)
    {
        var file = LanguageModelFile.Load(trained.Model);
        using var tokens = TokenStream.FromArray(file.Tokenizer.Encode(Repetitive));
        var options = new DynamicEvaluationOptions { Batch = batch, SequenceLength = 20 };
        var fixedWeights = LanguageModelEvaluator.Evaluate(file.Model, tokens, batch, 20);
        var adapted = DynamicEvaluation.Evaluate(file.Model, tokens, options);
        Assert.Equal(fixedWeights.Predictions, adapted.Predictions);
        // The phrase repeats 30 times: after a few repeats the adapted model has learned some of it (a 16-unit model trained for 60 steps gains about 0.15 nats).
        Assert.True(adapted.MeanLoss < fixedWeights.MeanLoss - 0.05, $"dynamic {adapted.MeanLoss} vs static {fixedWeights.MeanLoss}");
    }

    [Theory]
    [InlineData(1, 50, 0.0)]
    [InlineData(4, 7, 0.0)]
    [InlineData(2, 13, 0.5)]   // decay alone keeps θ = θ₀
    public void WithoutAStepItIsTheStaticEvaluationExactly(int batch, int segment, double decay)
    {
        var file = LanguageModelFile.Load(trained.Model);
        using var tokens = TokenStream.FromArray(file.Tokenizer.Encode(LanguageModelTestSupport.Corpus(601, seed: 9)));
        var expected = LanguageModelEvaluator.Evaluate(file.Model, tokens, batch, segment);
        var actual = DynamicEvaluation.Evaluate(file.Model, tokens,
            new DynamicEvaluationOptions { LearningRate = 0, Decay = decay, Batch = batch, SequenceLength = segment });
        Assert.Equal(expected.Predictions, actual.Predictions);
        Assert.Equal(expected.TotalNats, actual.TotalNats);
    }

    [Fact]
    public void TheCallersWeightsAreGivenBack()
    {
        var file = LanguageModelFile.Load(trained.Model);
        float[] before = (float[])file.Model.Parameters.Values.Clone();
        using var tokens = TokenStream.FromArray(file.Tokenizer.Encode(Repetitive));
        var first = DynamicEvaluation.Evaluate(file.Model, tokens, new DynamicEvaluationOptions { LearningRate = 0.5 });
        Assert.Equal(before, file.Model.Parameters.Values);
        // ...so a second pass starts from θ₀ again and scores the same.
        var second = DynamicEvaluation.Evaluate(file.Model, tokens, new DynamicEvaluationOptions { LearningRate = 0.5 });
        Assert.Equal(first.TotalNats, second.TotalNats);
    }

    [Fact]
    public void TheUpdateIsSgdWithDecayTowardTheTrainedWeights()
    {
        var rng = new Rng(5);
        const float eta = 0.3f, lambda = 0.07f;
        for (int n = 0; n <= 67; n++)
        {
            float[] theta = Draw(n), gradient = Draw(n), theta0 = Draw(n);
            var expected = new double[n];
            for (int i = 0; i < n; i++)
                expected[i] = theta[i] - (double)eta * gradient[i] + (double)lambda * (theta0[i] - (double)theta[i]);
            DynamicEvaluation.Update(theta, gradient, theta0, eta, lambda);
            for (int i = 0; i < n; i++) Assert.Equal(expected[i], theta[i], 1e-6);
        }

        float[] Draw(int n)
        {
            var v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float)(rng.NextDouble() * 4 - 2);
            return v;
        }
    }

    [Fact]
    public void ANonFiniteGradientLeavesTheWeights()
    {
        float[] theta = [1, 2, 3], theta0 = [0, 0, 0];
        DynamicEvaluation.Update(theta, [0.5f, float.NaN, 0.5f], theta0, 0.1f, 0.1f);
        Assert.Equal([1f, 2f, 3f], theta);
    }

    [Theory]
    [InlineData(nameof(DynamicEvaluationOptions.LearningRate))]
    [InlineData(nameof(DynamicEvaluationOptions.Decay))]
    [InlineData(nameof(DynamicEvaluationOptions.SequenceLength))]
    [InlineData(nameof(DynamicEvaluationOptions.Batch))]
    public void ABadOptionIsNamed(string property)
    {
        var o = property switch
        {
            nameof(DynamicEvaluationOptions.LearningRate) => new DynamicEvaluationOptions { LearningRate = -0.1 },
            nameof(DynamicEvaluationOptions.Decay) => new DynamicEvaluationOptions { Decay = 1.5 },
            nameof(DynamicEvaluationOptions.SequenceLength) => new DynamicEvaluationOptions { SequenceLength = 0 },
            _ => new DynamicEvaluationOptions { Batch = 0 },
        };
        var e = Assert.Throws<ArgumentException>(o.Validate);
        Assert.Equal(property, e.ParamName);
    }
}
