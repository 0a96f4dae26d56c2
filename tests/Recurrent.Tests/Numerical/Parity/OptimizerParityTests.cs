// PyTorch parity of every optimizer (and of clip-by-norm / clip-by-value) through the Trainer: embedding →
// 1-layer GRU → Linear char-LM trained 10 steps, against optim_<name>.json: the loss curve to 1e-5 and the
// final parameters to 1e-4. Hyperparameters come from each fixture's meta, as torch.optim was given them.
using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Tests.Support;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Parity;

public sealed class OptimizerParityTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adagrad")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("sgd_clipnorm")]
    [InlineData("sgd_clipvalue")]
    public void MatchesTorchLossCurveAndFinalParameters(string name)
    {
        var fx = Fixture.Load($"optim_{name}.json");
        Assert.Equal(name, fx.Meta.GetProperty("optimizer").GetString());
        Assert.Equal("gru", fx.Meta.GetProperty("cell").GetString());
        int V = fx.MetaInt("vocab"), T = fx.MetaInt("steps"), B = fx.MetaInt("batch"), N = fx.MetaInt("batches");
        var config = ParityModels.LanguageModelConfig(fx, CellKind.Gru);
        var model = new SequenceModel<float>(config, seed: 1);
        ParityModels.LoadStateDict(model, fx, "final.");
        var store = model.Parameters;

        var options = new TrainerOptions { ClipNorm = NullableDouble(fx.Meta, "clip_norm"), ClipValue = NullableDouble(fx.Meta, "clip_value") };
        var trainer = new Trainer<float>(model, BuildOptimizer(fx.Meta, store.Count), new ConstantSchedule(fx.MetaDouble("lr")), options);
        log.WriteLine($"{name}: {trainer.Optimizer.GetType().Name}, clip_norm {options.ClipNorm?.ToString() ?? "-"}, clip_value {options.ClipValue?.ToString() ?? "-"}");

        int[] inputs = fx.Ints("inputs"), targets = fx.Ints("targets");
        double[] expectedLosses = fx.Doubles("losses");
        var losses = new float[N];
        for (int k = 0; k < N; k++)
        {
            model.ResetState(); // PyTorch's forward starts from a zero state every call
            var r = trainer.Train(ParityModels.Batch(inputs, k, T, B), ParityModels.Batch(targets, k, T, B), T, B);
            losses[k] = (float)r.Loss;
            log.WriteLine($"  step {k}: loss {losses[k]:F7}  torch {expectedLosses[k]:F7}  diff {losses[k] - expectedLosses[k]:E2}  grad norm {r.GradientNorm:F4}");
        }
        Fixture.AssertClose(log, "losses", expectedLosses, losses, 1e-5);
        foreach (var p in store.Parameters)
            Fixture.AssertClose(log, "final." + p.Name, fx.Doubles("final." + p.Name), store.Value(p), 1e-4);
    }

    private static Optimizer<float> BuildOptimizer(JsonElement meta, int count)
    {
        string kind = meta.GetProperty("optimizer_kind").GetString()!;
        double weightDecay = meta.GetProperty("weight_decay").GetDouble();
        switch (kind)
        {
            case "sgd":
                Assert.Equal(0.0, meta.GetProperty("dampening").GetDouble());
                Assert.Equal(0.0, weightDecay);
                return new Sgd<float>(count, meta.GetProperty("momentum").GetDouble(), meta.GetProperty("nesterov").GetBoolean());
            case "adagrad":
                Assert.Equal(0.0, meta.GetProperty("lr_decay").GetDouble());
                Assert.Equal(0.0, meta.GetProperty("initial_accumulator_value").GetDouble());
                Assert.Equal(0.0, weightDecay);
                return new Adagrad<float>(count, meta.GetProperty("eps").GetDouble());
            case "rmsprop":
                Assert.Equal(0.0, meta.GetProperty("momentum").GetDouble());
                Assert.False(meta.GetProperty("centered").GetBoolean());
                Assert.Equal(0.0, weightDecay);
                return new RmsProp<float>(count, meta.GetProperty("alpha").GetDouble(), meta.GetProperty("eps").GetDouble());
            case "adam":
            case "adamw":
            {
                Assert.False(meta.GetProperty("amsgrad").GetBoolean());
                double[] betas = meta.GetProperty("betas").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                double eps = meta.GetProperty("eps").GetDouble();
                if (kind == "adam")
                {
                    Assert.Equal(0.0, weightDecay);
                    return new Adam<float>(count, betas[0], betas[1], eps);
                }
                return new AdamW<float>(count, betas[0], betas[1], eps, weightDecay);
            }
            default:
                throw new ArgumentException($"Unknown optimizer_kind '{kind}' in fixture meta.", nameof(meta));
        }
    }

    private static double? NullableDouble(JsonElement meta, string key) =>
        meta.GetProperty(key).ValueKind == JsonValueKind.Null ? null : meta.GetProperty(key).GetDouble();
}
