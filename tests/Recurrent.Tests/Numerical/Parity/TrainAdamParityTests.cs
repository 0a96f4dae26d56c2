// PyTorch parity of a 10-step training run (embedding(11→6) → 2-layer LSTM(7) → Linear(11), Adam lr 0.01,
// clip_grad_norm_ 5, CrossEntropyLoss(ignore_index=-1), zero initial state every step) against
// train_adam.json: the step-0 gradient before clipping to 1e-4, the 10 losses to 1e-5, the final
// parameters to 1e-4.
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Tests.Support;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Parity;

public sealed class TrainAdamParityTests(ITestOutputHelper log)
{
    [Fact]
    public void MatchesTorchStep0GradientLossCurveAndFinalParameters()
    {
        var fx = Fixture.Load("train_adam.json");
        Assert.Equal("lstm", fx.Meta.GetProperty("cell").GetString());
        Assert.Equal("before clipping", fx.Meta.GetProperty("grad0").GetString());
        int V = fx.MetaInt("vocab"), T = fx.MetaInt("steps"), B = fx.MetaInt("batch"), N = fx.MetaInt("batches");
        var config = ParityModels.LanguageModelConfig(fx, CellKind.Lstm);
        var model = new SequenceModel<float>(config, seed: 1);
        ParityModels.LoadStateDict(model, fx, "final.");
        int[] inputs = fx.Ints("inputs"), targets = fx.Ints("targets");
        var store = model.Parameters;

        // Step 0 by hand: forward, loss, backward; the gradient before any clipping or update.
        model.ResetState();
        ReadOnlySpan<float> logits = model.Forward(ParityModels.Batch(inputs, 0, T, B), T, B, training: true);
        var dLogits = new float[logits.Length];
        double loss0 = SoftmaxCrossEntropy.LossAndGradient(logits, ParityModels.Batch(targets, 0, T, B), V, dLogits, out _);
        store.ZeroGradients();
        model.Backward(dLogits);
        foreach (var p in store.Parameters)
            Fixture.AssertClose(log, "grad0." + p.Name, fx.Doubles("grad0." + p.Name), store.Gradient(p), 1e-4);
        double norm0 = GradientClipping.GlobalNorm<float>(store.Gradients);
        log.WriteLine($"step-0 gradient norm {norm0:G6} (clip {fx.MetaDouble("clip")})");
        store.ZeroGradients();

        double lr = fx.MetaDouble("lr");
        var betas = fx.Meta.GetProperty("betas").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var trainer = new Trainer<float>(model,
            new Adam<float>(store.Count, betas[0], betas[1], fx.MetaDouble("eps")),
            new ConstantSchedule(lr),
            new TrainerOptions { ClipNorm = fx.MetaDouble("clip") });
        var losses = new float[N];
        for (int k = 0; k < N; k++)
        {
            model.ResetState(); // PyTorch's forward starts from a zero state every call
            var r = trainer.Train(ParityModels.Batch(inputs, k, T, B), ParityModels.Batch(targets, k, T, B), T, B);
            losses[k] = (float)r.Loss;
            if (k == 0)
            {
                Assert.Equal(loss0, r.Loss);
                Assert.Equal(norm0, r.GradientNorm);
            }
        }
        Fixture.AssertClose(log, "losses", fx.Doubles("losses"), losses, 1e-5);
        foreach (var p in store.Parameters)
            Fixture.AssertClose(log, "final." + p.Name, fx.Doubles("final." + p.Name), store.Value(p), 1e-4);
    }
}
