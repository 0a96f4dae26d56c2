// InferenceSession: stateful step-by-step inference (DL4J's rnnTimeStep) for one stream. Feed one token or one
// feature frame, get that step's outputs, and the recurrent state is kept for the next call until Reset.
// Weights are snapshotted when the session is created; later training does not change it, and the session
// never touches the model's own carried state. Token models with a per-step head run on StepInference (its
// batch-1 kernels, or for layer-normalised and Mogrifier cells its one-step stack); other models (dense frames,
// last-step heads) run a private copy of the model one step at a time (T = 1, B = 1) with its state carried.
// Shapes: frame (F), token id in [0, V), outputs (O).
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Sampling;

namespace Recurrent.Api;

/// <summary>
/// Step-by-step inference over one sequence: <c>var session = model.CreateSession(); session.Step(token);</c>.
/// The state carries across calls; <see cref="Reset"/> starts a new sequence. Not thread-safe.
/// </summary>
public sealed class InferenceSession
{
    private readonly StepInference? _fast;           // token input, per-step head
    private readonly SequenceModel<float>? _copy;    // everything else, run with T = 1, B = 1
    private readonly int[] _token = new int[1];

    /// <summary>Snapshots <paramref name="model"/>; it must run forward in time only (a bidirectional layer reads the future).</summary>
    public InferenceSession(SequenceModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Config = model.Config;
        if (Config.Bidirectional)
            throw new ArgumentException("A bidirectional model reads the whole sequence (its reverse direction starts at the end), so it cannot run step by step.", nameof(model));
        if (Config.Input != InputKind.Dense && Config.Head == HeadKind.PerStep)
            _fast = new StepInference(model);
        else
        {
            _copy = new SequenceModel<float>(Config, seed: 0);
            model.Parameters.Values.CopyTo(_copy.Parameters.Values, 0);
            _copy.ResetState();
        }
    }

    /// <summary>The architecture of the model.</summary>
    public ModelConfig Config { get; }

    /// <summary>Outputs per step (logits for a classifier, values for regression).</summary>
    public int OutputSize => Config.OutputSize;

    /// <summary>Steps fed since creation or the last <see cref="Reset"/>.</summary>
    public long Position { get; private set; }

    /// <summary>Sets the state to zero (start of a new sequence).</summary>
    public void Reset()
    {
        _fast?.Reset();
        _copy?.ResetState();
        Position = 0;
    }

    /// <summary>
    /// Feeds one token id (Embedding or OneHot input), advances the state and returns this step's outputs, (O).
    /// The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Step(int token)
    {
        if (Config.Input == InputKind.Dense)
            throw new InvalidOperationException($"This model reads {Config.InputSize} features per step; call Step(ReadOnlySpan<float>) with one frame.");
        if ((uint)token >= (uint)Config.InputSize)
            throw new ArgumentException($"Token id {token} is outside the vocabulary [0, {Config.InputSize}).", nameof(token));
        Position++;
        if (_fast is not null) return _fast.Step(token);
        _token[0] = token;
        ReadOnlySpan<float> output = _copy!.Forward(_token, steps: 1, batch: 1, training: false);
        _copy.CarryState();
        return output;
    }

    /// <summary>Feeds one frame of features (Dense input), (F); advances the state and returns this step's outputs, (O).</summary>
    public ReadOnlySpan<float> Step(ReadOnlySpan<float> frame)
    {
        if (Config.Input != InputKind.Dense)
            throw new InvalidOperationException($"This model reads token ids ({Config.Input}); call Step(int token).");
        if (frame.Length != Config.InputSize)
            throw new ArgumentException($"The frame has {frame.Length} values; this model reads {Config.InputSize} per step.", nameof(frame));
        Position++;
        ReadOnlySpan<float> output = _copy!.Forward(frame, steps: 1, batch: 1, training: false);
        _copy.CarryState();
        return output;
    }
}
