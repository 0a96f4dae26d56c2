// ForecastModelSettings: the architecture of a new forecaster — cell, hidden size and layers. The input size (the
// input columns) and the output size (horizon × target columns) come from the data and ForecastOptions; the head is
// always a linear read-out of the last step.
using Recurrent.Layers;

namespace Recurrent.Forecasting;

/// <summary>Architecture choices for <see cref="Forecaster.Create"/>.</summary>
public sealed record ForecastModelSettings
{
    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>The cell input/output function (LSTM g and h, GRU n, tanh RNN h): tanh (default) or softsign; see <see cref="Models.ModelConfig.Activation"/>.</summary>
    public CellActivation Activation { get; init; } = CellActivation.Tanh;
    /// <summary>The gate function of LSTM and GRU: sigmoid (default) or hard sigmoid; see <see cref="Models.ModelConfig.GateActivation"/>.</summary>
    public GateActivation GateActivation { get; init; } = GateActivation.Sigmoid;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 32;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>
    /// The LSTM's initial forget-gate bias (<see cref="Models.ModelConfig.ForgetGateBias"/>); null (the default) keeps
    /// the model's default, <see cref="Models.ModelConfig.DefaultForgetGateBias"/>. Ignored by GRU and plain RNN cells.
    /// </summary>
    public double? ForgetGateBias { get; init; }

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        if (HiddenSize <= 0) throw new ArgumentException($"HiddenSize must be positive, got {HiddenSize}.", nameof(HiddenSize));
        if (Layers <= 0) throw new ArgumentException($"Layers must be positive, got {Layers}.", nameof(Layers));
        if (ForgetGateBias is double fb && !double.IsFinite(fb)) throw new ArgumentException($"ForgetGateBias must be finite, got {fb}.", nameof(ForgetGateBias));
    }
}
