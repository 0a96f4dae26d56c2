// Model: the entry point of the fluent builder — Model.Sequence() starts a SequenceModelBuilder, which turns
// chained calls into a ModelConfig and builds a SequenceModel<float> (or <double>) from a seed.
namespace Recurrent.Api;

/// <summary>Entry point of the fluent model builder, e.g. <c>Model.Sequence().Embedding(65, 64).Lstm(128).Dense(65).Build(seed: 1)</c>.</summary>
public static class Model
{
    /// <summary>Starts describing a sequence model: input → recurrent stack → linear head.</summary>
    public static SequenceModelBuilder Sequence() => new();
}
