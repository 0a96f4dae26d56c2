// StackStepInference: the recurrent half of a batch-1 generation step for the cell structures StepInference's own
// kernels do not implement — layer-normalised LSTM/GRU (ModelConfig.LayerNorm) and the Mogrifier LSTM
// (ModelConfig.MogrifierRounds). Rather than a second copy of their math (normalisation over the gates and of the cell,
// the Mogrifier's rounds), it runs the engine's own RecurrentStack for one step (T = 1, B = 1) from the carried
// per-layer state, so these models step exactly as they train. The stack belongs to a private copy of the model made
// when the object is created: later training of the model does not change it, and the model's carried state is never
// touched. Each step looks up the token's input vector (its embedding row, or a one-hot vector) and runs the stack's
// dense Forward: the same values as ForwardTokens, but one input projection per step instead of one per vocabulary
// entry. StepInference applies the head. Shapes: state h, c (L, H) — the stack's (L*D, B, H) with D = B = 1; input (I).
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Sampling;

/// <summary>One layer-normalised or Mogrifier recurrent stack stepped one token at a time, batch 1, on a snapshot of the weights.</summary>
internal sealed class StackStepInference
{
    private readonly RecurrentStack<float> _stack;    // the private copy's stack
    private readonly ReadOnlyMemory<float> _embedding; // (V, E) the copy's embedding table; empty for one-hot input
    private readonly bool _hasCell;
    private readonly int _hidden, _layers;
    private readonly float[] _input;                  // (I) this step's input vector
    private readonly float[] _h, _c;                  // (L, H) carried state; c for LSTM only
    private int _lastToken = -1;                      // the one-hot position currently set in _input

    /// <summary>Whether <paramref name="config"/> has a cell structure that needs this path rather than StepInference's kernels.</summary>
    public static bool IsNeededFor(ModelConfig config) => config.LayerNorm || config.MogrifierRounds > 0;

    /// <summary>Snapshots <paramref name="model"/> (token input, unidirectional; checked by StepInference).</summary>
    public StackStepInference(SequenceModel<float> model)
    {
        var config = model.Config;
        var copy = new SequenceModel<float>(config, seed: 0);
        model.Parameters.Values.CopyTo(copy.Parameters.Values, 0);
        _stack = copy.Stack;
        if (config.Input == InputKind.Embedding)
        {
            var table = copy.Parameters["embedding.weight"];
            _embedding = copy.Parameters.Values.AsMemory(table.Offset, table.Length);
        }
        _hasCell = config.Cell.HasCellState();
        _hidden = config.HiddenSize;
        _layers = config.Layers;
        _input = new float[config.StackInputSize];
        _h = new float[_layers * _hidden];
        _c = _hasCell ? new float[_layers * _hidden] : [];
    }

    /// <summary>Sets every layer's state to zero.</summary>
    public void Reset()
    {
        Array.Clear(_h);
        Array.Clear(_c);
    }

    /// <summary>Hidden state of layer <paramref name="layer"/> after the last step, (H).</summary>
    public ReadOnlySpan<float> HiddenState(int layer) =>
        (uint)layer < (uint)_layers ? _h.AsSpan(layer * _hidden, _hidden) : throw new ArgumentOutOfRangeException(nameof(layer));

    /// <summary>Feeds one valid token id, advances the state and returns the top layer's new hidden state, (H).</summary>
    public ReadOnlySpan<float> Step(int token)
    {
        int width = _input.Length;
        if (_embedding.IsEmpty)
        {
            if (_lastToken >= 0) _input[_lastToken] = 0f;
            _input[token] = 1f;
            _lastToken = token;
        }
        else _embedding.Span.Slice(token * width, width).CopyTo(_input);
        _stack.Forward(_input, steps: 1, batch: 1, _h, _hasCell ? _c : default, training: false, dropoutRng: null);
        _stack.FinalH.CopyTo(_h);
        if (_hasCell) _stack.FinalC.CopyTo(_c);
        return HiddenState(_layers - 1);
    }
}
