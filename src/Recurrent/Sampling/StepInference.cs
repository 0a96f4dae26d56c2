// StepInference: batch-1, one-token-at-a-time inference for generation (DL4J's rnnTimeStep for one stream).
// It snapshots a token model's weights in the layout the single-row product wants — every matrix transposed
// to (In, Out) so each step streams it once (Kernels/Gemv.cs) — and precomputes the first layer's input
// projection for every vocabulary entry, so a step of layer 0 is a table lookup plus the recurrent product.
// Its state is its own: sampling never disturbs the model's carried training state. Weights are read when
// the object is created; create a new one after further training. Shapes: state h, c (L, H); logits (V).
using Recurrent.Kernels;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Sampling;

/// <summary>Step-by-step batch-1 inference over a snapshot of a unidirectional token model.</summary>
public sealed class StepInference
{
    private sealed class Layer
    {
        public required float[] InputWeightsT;   // (In, GH) = W_ih^T (empty for layer 0: the table replaces it)
        public required float[] RecurrentWeightsT; // (H, GH) = W_hh^T
        public required float[] InputBias;       // (GH) b_ih (+ b_hh except GRU)
        public required float[] RecurrentBias;   // (GH) b_hh (GRU only)
        public required float[] Peephole;        // (3H) or empty
        public required float[] H, C, NewH, NewC; // (H)
    }

    private readonly CellKind _cell;
    private readonly int _hidden, _gh, _vocabulary, _outputs;
    private readonly Layer[] _layers;
    private readonly float[] _table;        // (V, GH) layer 0 input projection per token, biases included
    private readonly float[] _headT, _headBias, _logits;
    private readonly float[] _xp, _hh, _gates, _tanhC, _hhN;

    /// <summary>Snapshots <paramref name="model"/>, which must read token ids, run forward in time only and have a per-step head.</summary>
    public StepInference(SequenceModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        if (c.Input == InputKind.Dense || c.Head != HeadKind.PerStep)
            throw new ArgumentException("Step inference needs a token-input model with a per-step head.", nameof(model));
        if (c.Bidirectional)
            throw new ArgumentException("A bidirectional model reads the future and cannot generate step by step.", nameof(model));
        var store = model.Parameters;
        _cell = c.Cell;
        _hidden = c.HiddenSize;
        _gh = c.Cell.Gates() * _hidden;
        _vocabulary = c.InputSize;
        _outputs = c.OutputSize;
        _layers = new Layer[c.Layers];
        for (int l = 0; l < c.Layers; l++)
        {
            int inputSize = l == 0 ? c.StackInputSize : _hidden;
            ReadOnlySpan<float> wih = store.Value(store[$"rnn.weight_ih_l{l}"]), whh = store.Value(store[$"rnn.weight_hh_l{l}"]);
            ReadOnlySpan<float> bih = store.Value(store[$"rnn.bias_ih_l{l}"]), bhh = store.Value(store[$"rnn.bias_hh_l{l}"]);
            var layer = new Layer
            {
                InputWeightsT = l == 0 ? [] : new float[inputSize * _gh],
                RecurrentWeightsT = new float[_hidden * _gh],
                InputBias = bih.ToArray(),
                RecurrentBias = bhh.ToArray(),
                Peephole = c.Peepholes ? store.Value(store[$"rnn.weight_peephole_l{l}"]).ToArray() : [],
                H = new float[_hidden], C = new float[_hidden], NewH = new float[_hidden], NewC = new float[_hidden],
            };
            if (_cell != CellKind.Gru) for (int j = 0; j < _gh; j++) layer.InputBias[j] += bhh[j];
            if (l > 0) Gemv.Transpose(wih, _gh, inputSize, layer.InputWeightsT);
            Gemv.Transpose(whh, _gh, _hidden, layer.RecurrentWeightsT);
            _layers[l] = layer;
        }

        // Layer 0's projection of every token: embedding row · W_ih^T + bias, or (one-hot) column v of W_ih + bias.
        _table = new float[_vocabulary * _gh];
        ReadOnlySpan<float> wih0 = store.Value(store["rnn.weight_ih_l0"]);
        int in0 = c.StackInputSize;
        var wih0T = new float[in0 * _gh];
        Gemv.Transpose(wih0, _gh, in0, wih0T);
        for (int v = 0; v < _vocabulary; v++)
        {
            Span<float> row = _table.AsSpan(v * _gh, _gh);
            _layers[0].InputBias.CopyTo(row);
            if (c.Input == InputKind.Embedding)
                Gemv.RowTimesMatrix(store.Value(store["embedding.weight"]).Slice(v * in0, in0), wih0T, row, accumulate: true);
            else
                for (int g = 0; g < _gh; g++) row[g] += wih0[g * in0 + v];
        }

        _headT = new float[_hidden * _outputs];
        Gemv.Transpose(store.Value(store["head.weight"]), _outputs, _hidden, _headT);
        _headBias = store.Value(store["head.bias"]).ToArray();
        _logits = new float[_outputs];
        _xp = new float[_gh];
        _hh = new float[_gh];
        _gates = new float[_gh];
        _tanhC = new float[_hidden];
        _hhN = new float[_hidden];
    }

    /// <summary>Vocabulary size (valid token ids are 0..V-1).</summary>
    public int VocabularySize => _vocabulary;

    /// <summary>Sets every layer's state to zero (start of a new sequence).</summary>
    public void Reset()
    {
        foreach (var l in _layers) { Array.Clear(l.H); Array.Clear(l.C); }
    }

    /// <summary>Hidden state of layer <paramref name="layer"/> after the last step, (H).</summary>
    public ReadOnlySpan<float> HiddenState(int layer) => _layers[layer].H;

    /// <summary>Feeds one token, advances the state and returns the logits for the next token, (V).</summary>
    public ReadOnlySpan<float> Step(int token)
    {
        if ((uint)token >= (uint)_vocabulary)
            throw new ArgumentException($"Token id {token} is outside the vocabulary [0, {_vocabulary}).", nameof(token));
        int h = _hidden;
        ReadOnlySpan<float> input = default;
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            // xp (GH) = input·W_ih^T + bias (layer 0: looked up).
            if (l == 0) _table.AsSpan(token * _gh, _gh).CopyTo(_xp);
            else
            {
                layer.InputBias.CopyTo(_xp, 0);
                Gemv.RowTimesMatrix(input, layer.InputWeightsT, _xp, accumulate: true);
            }
            switch (_cell)
            {
                case CellKind.Gru:
                    layer.RecurrentBias.CopyTo(_hh, 0);
                    Gemv.RowTimesMatrix(layer.H, layer.RecurrentWeightsT, _hh, accumulate: true);
                    GruCell.Forward<float>(_xp, _hh, layer.H, _gates, _hhN, layer.NewH, 1, h);
                    break;
                case CellKind.Lstm:
                    Gemv.RowTimesMatrix(layer.H, layer.RecurrentWeightsT, _xp, accumulate: true);
                    LstmCell.Forward<float>(_xp, layer.C, layer.Peephole, _gates, layer.NewC, _tanhC, layer.NewH, 1, h);
                    (layer.C, layer.NewC) = (layer.NewC, layer.C);
                    break;
                default:
                    Gemv.RowTimesMatrix(layer.H, layer.RecurrentWeightsT, _xp, accumulate: true);
                    RnnCell.Forward<float>(_xp, layer.NewH, relu: _cell == CellKind.RnnRelu);
                    break;
            }
            (layer.H, layer.NewH) = (layer.NewH, layer.H);
            input = layer.H;
        }
        _headBias.CopyTo(_logits, 0);
        Gemv.RowTimesMatrix(input, _headT, _logits, accumulate: true);
        return _logits;
    }
}
