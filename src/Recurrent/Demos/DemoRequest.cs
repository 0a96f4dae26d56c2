// DemoRequest: how a caller (the CLI, a sample) asks for a run of a built-in task — the cell and seed, a
// quick (smaller) variant, and optional overrides of the task's defaults.
using Recurrent.Layers;

namespace Recurrent.Demos;

/// <summary>A request to run a <see cref="BuiltInDemo"/>; null overrides keep the task's defaults.</summary>
public sealed record DemoRequest
{
    /// <summary>Recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>The cell input/output function (LSTM g and h, GRU n, tanh RNN h): tanh (default) or softsign; see <see cref="Models.ModelConfig.Activation"/>.</summary>
    public CellActivation Activation { get; init; } = CellActivation.Tanh;
    /// <summary>The gate function of LSTM and GRU: sigmoid (default) or hard sigmoid; see <see cref="Models.ModelConfig.GateActivation"/>.</summary>
    public GateActivation GateActivation { get; init; } = GateActivation.Sigmoid;
    /// <summary>Seed of initialisation and data.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Run the task's smaller variant (shorter sequences, fewer test sequences) that finishes in seconds.</summary>
    public bool Quick { get; init; }
    /// <summary>Hidden units, or null for the task's default.</summary>
    public int? HiddenSize { get; init; }
    /// <summary>Sequences per training batch, or null for the task's default.</summary>
    public int? BatchSize { get; init; }
    /// <summary>Upper bound on training steps, or null for the task's default.</summary>
    public int? MaxSteps { get; init; }
    /// <summary>Adam learning rate, or null for the task's default.</summary>
    public double? LearningRate { get; init; }
    /// <summary>Initial keep bias (LSTM forget gate, GRU update gate), or null for the task's default.</summary>
    public double? ForgetGateBias { get; init; }
    /// <summary>The task's length parameter (see <see cref="BuiltInDemo.LengthMeaning"/>), or null for its default.</summary>
    public int? Length { get; init; }

    /// <summary>Applies cell, seed and the overrides to a task's options.</summary>
    public TOptions Apply<TOptions>(TOptions options) where TOptions : DemoOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        DemoOptions o = options;
        return (TOptions)(o with
        {
            Cell = Cell,
            Activation = Activation,
            GateActivation = GateActivation,
            Seed = Seed,
            HiddenSize = HiddenSize ?? options.HiddenSize,
            BatchSize = BatchSize ?? options.BatchSize,
            MaxSteps = MaxSteps ?? options.MaxSteps,
            LearningRate = LearningRate ?? options.LearningRate,
            ForgetGateBias = ForgetGateBias ?? options.ForgetGateBias,
        });
    }
}
