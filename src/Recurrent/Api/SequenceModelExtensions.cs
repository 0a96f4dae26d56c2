// SequenceModelExtensions: conveniences on SequenceModel<float> for the high-level API (sessions, saving).
using Recurrent.Models;

namespace Recurrent.Api;

/// <summary>High-level operations on a trained <see cref="SequenceModel{T}"/>.</summary>
public static class SequenceModelExtensions
{
    /// <summary>A stateful step-by-step inference session over a snapshot of the model's current weights (DL4J's <c>rnnTimeStep</c>).</summary>
    public static InferenceSession CreateSession(this SequenceModel<float> model) => new(model);
}
