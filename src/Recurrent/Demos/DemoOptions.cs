// DemoOptions: the training settings every built-in long-memory task shares (cell, sizes, Adam, clipping,
// seed, evaluation cadence). Each task's own options record derives from it and sets its defaults.
using Recurrent.Layers;

namespace Recurrent.Demos;

/// <summary>Settings shared by the built-in tasks; a task's options record derives from this and sets its own defaults.</summary>
public abstract record DemoOptions
{
    /// <summary>Recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>The cell input/output function (LSTM g and h, GRU n, tanh RNN h): tanh (default) or softsign; see <see cref="Models.ModelConfig.Activation"/>.</summary>
    public CellActivation Activation { get; init; } = CellActivation.Tanh;
    /// <summary>The gate function of LSTM and GRU: sigmoid (default) or hard sigmoid; see <see cref="Models.ModelConfig.GateActivation"/>.</summary>
    public GateActivation GateActivation { get; init; } = GateActivation.Sigmoid;
    /// <summary>Hidden units.</summary>
    public int HiddenSize { get; init; } = 32;
    /// <summary>Sequences per training batch.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Upper bound on training steps; training stops earlier once the validation set meets the criterion.</summary>
    public int MaxSteps { get; init; } = 3000;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Global gradient-norm clipping threshold.</summary>
    public double ClipNorm { get; init; } = 1.0;
    /// <summary>Seed of initialisation and data (training, validation and test streams are forked from it).</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Initial keep bias: the LSTM forget-gate bias (Gers et al. 2000) and the GRU update-gate bias; larger values start with a longer memory. The Elman RNN has no gate to bias.</summary>
    public double ForgetGateBias { get; init; } = 1.0;
    /// <summary>Evaluate on the validation set every this many steps.</summary>
    public int EvaluateEvery { get; init; } = 50;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public virtual void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(BatchSize, nameof(BatchSize));
        Positive(MaxSteps, nameof(MaxSteps));
        Positive(EvaluateEvery, nameof(EvaluateEvery));
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentException($"LearningRate must be a positive number, got {LearningRate}.", nameof(LearningRate));
        if (!double.IsFinite(ForgetGateBias)) throw new ArgumentException($"ForgetGateBias must be finite, got {ForgetGateBias}.", nameof(ForgetGateBias));
        if (!(ClipNorm > 0 && double.IsFinite(ClipNorm))) throw new ArgumentException($"ClipNorm must be a positive number, got {ClipNorm}.", nameof(ClipNorm));
    }
}
