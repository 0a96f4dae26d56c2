// TaskTraining: the loop the built-in tasks share — Adam with global-norm clipping, one generated batch per
// step, a validation check every few steps, and an early stop as soon as the validation set meets the criterion.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.Tasks;

internal static class TaskTraining
{
    /// <summary>
    /// The model of <paramref name="architecture"/> with the options' cell, hidden size and seed. The initial
    /// keep bias goes to the LSTM forget gate (through ModelConfig) and, for a GRU, to its update gate z
    /// (h' = (1-z)·n + z·h, so a positive bias starts it keeping its state, as the forget bias does for the LSTM).
    /// </summary>
    public static SequenceModel<float> CreateModel(ModelConfig architecture, TaskOptions options)
    {
        var config = architecture with { Cell = options.Cell, HiddenSize = options.HiddenSize, ForgetGateBias = options.ForgetGateBias };
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

    /// <summary>Adam at <paramref name="learningRate"/> with the options' global-norm clipping.</summary>
    public static Trainer<float> CreateTrainer(SequenceModel<float> model, Optimizer<float> optimizer, double learningRate, TaskOptions options) =>
        new(model, optimizer, new ConstantSchedule(learningRate), new TrainerOptions { ClipNorm = options.ClipNorm });

    /// <summary>Learning-rate factor of the fine-tuning phase.</summary>
    public const double FineTuneFactor = 0.2;

    /// <summary>
    /// Runs <paramref name="step"/> (one training step on a fresh batch with the given trainer, returning its
    /// loss) up to MaxSteps times with Adam at the options' rate. Every EvaluateEvery steps and after the last
    /// one it calls <paramref name="validate"/> and stops once that reports the stop condition (the criterion met
    /// on the validation set, usually with a margin). The first time <paramref name="fineTuneWhen"/> holds for
    /// the validation metric, the learning rate drops to <see cref="FineTuneFactor"/> of itself (Adam's moments
    /// are kept), so the last digits of precision are not lost to the noise of a large step.
    /// Returns the steps taken and the last training loss.
    /// </summary>
    public static (int Steps, double Loss) Run(TaskOptions options, SequenceModel<float> model, Func<Trainer<float>, double> step,
        Func<(double Metric, bool Stop)> validate, Func<double, bool>? fineTuneWhen, Action<TaskProgress>? progress)
    {
        var optimizer = new Adam<float>(model.Parameters.Count);
        var trainer = CreateTrainer(model, optimizer, options.LearningRate, options);
        bool fineTuning = false;
        double loss = double.NaN;
        int steps = 0;
        while (steps < options.MaxSteps)
        {
            loss = step(trainer);
            steps++;
            if (steps % options.EvaluateEvery == 0 || steps == options.MaxSteps)
            {
                var (metric, stop) = validate();
                progress?.Invoke(new TaskProgress(steps, loss, metric, stop));
                if (stop) break;
                if (!fineTuning && fineTuneWhen is not null && fineTuneWhen(metric))
                {
                    fineTuning = true;
                    var tuned = CreateTrainer(model, optimizer, options.LearningRate * FineTuneFactor, options);
                    tuned.RestoreStep(trainer.Step);
                    trainer = tuned;
                }
            }
        }
        return (steps, loss);
    }

    /// <summary>Index of the largest value (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int j = 1; j < v.Length; j++) if (v[j] > v[best]) best = j;
        return best;
    }

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
