// DemoTraining: how the built-in tasks train — their model (with the forget-gate or update-gate bias they ask for)
// and a run on the fit loop: Adam with global-norm clipping, one generated batch per step (GeneratedBatches), the
// task's criterion checked every few steps, an early stop as soon as it is met and a fine-tuning phase (DemoCriterion).
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Demos;

internal static class DemoTraining
{
    /// <summary>
    /// The model of <paramref name="architecture"/> with the options' cell, activations, hidden size and seed. The initial
    /// keep bias goes to the LSTM forget gate (through ModelConfig) and, for a GRU, to its update gate z
    /// (h' = (1-z)·n + z·h, so a positive bias starts it keeping its state, as the forget bias does for the LSTM).
    /// </summary>
    public static SequenceModel<float> CreateModel(ModelConfig architecture, DemoOptions options)
    {
        var config = architecture with
        {
            Cell = options.Cell, Activation = options.Activation, GateActivation = options.GateActivation,
            HiddenSize = options.HiddenSize, ForgetGateBias = options.ForgetGateBias,
        };
        var model = new SequenceModel<float>(config, options.Seed);
        if (config.Cell == CellKind.Gru)
        {
            int h = config.HiddenSize;
            // Gate order r, z, n: the update block is [H, 2H). PyTorch adds both biases; all of it goes into bias_ih.
            model.Parameters.Value(model.Parameters["rnn.bias_ih_l0"]).Slice(h, h).Fill((float)options.ForgetGateBias);
            model.Parameters.Value(model.Parameters["rnn.bias_hh_l0"]).Slice(h, h).Clear();
        }
        return model;
    }

    /// <summary>
    /// Trains <paramref name="model"/> on the fit loop with Adam and global-norm clipping: one generated batch per
    /// step (<paramref name="step"/> makes it and trains), <paramref name="validate"/> every EvaluateEvery steps and
    /// at the end, a stop as soon as it says so, and the learning rate to a fifth once
    /// <paramref name="fineTuneWhen"/> holds for the metric. Returns the steps taken and the last step's loss.
    /// </summary>
    public static (int Steps, double Loss) Run(DemoOptions options, SequenceModel<float> model, Func<Trainer<float>, StepResult> step,
        Func<(double Metric, bool Stop)> validate, Func<double, bool>? fineTuneWhen, Action<DemoProgress>? progress)
    {
        var engine = new StepEngine<float>(model.Parameters, new Adam<float>(model.Parameters.Count), new ConstantSchedule(options.LearningRate),
            new TrainerOptions { ClipNorm = options.ClipNorm });
        var source = new GeneratedBatches(new Trainer<float>(model, engine), step, options.EvaluateEvery);
        var loop = new FitLoop(model, engine, source, new FitOptions { Steps = options.MaxSteps }, new DemoValidation(validate));
        double loss = double.NaN;
        loop.Add(new DemoCriterion(fineTuneWhen, progress)).Add(new Training.Callbacks.LambdaCallback { StepEnd = s => loss = s.Loss });
        var outcome = loop.Run();
        return ((int)outcome.Step, loss);
    }

    // The task's criterion as an evaluation: its metric, and whether the task is solved ("stop" 1 or 0).
    private sealed class DemoValidation(Func<(double Metric, bool Stop)> validate) : IEvaluator
    {
        public Evaluation Evaluate()
        {
            var (metric, stop) = validate();
            return new Evaluation([new("val_metric", metric), new("stop", stop ? 1 : 0)], "val_metric", HigherIsBetter: true);
        }
    }

    /// <summary>Index of the largest value (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> v) => Supervised.PaddedInference.ArgMax(v);

    /// <summary>Softmax of <paramref name="logits"/> into <paramref name="probabilities"/> (same length).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<double> probabilities)
    {
        double max = double.NegativeInfinity;
        foreach (float z in logits) max = Math.Max(max, z);
        double sum = 0;
        for (int j = 0; j < logits.Length; j++) sum += probabilities[j] = Math.Exp(logits[j] - max);
        for (int j = 0; j < logits.Length; j++) probabilities[j] /= sum;
    }
}
