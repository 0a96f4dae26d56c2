// Seq2SeqModel: encoder–decoder (Sutskever et al. 2014; Cho et al. 2014). The encoder reads the source
// (T_s,B) and its final state (L,B,H) becomes the decoder's initial state; the decoder is trained with teacher
// forcing on [start, y_1..y_n] → [y_1..y_n, end] (T_d,B). Backward runs the decoder, then hands the gradient
// of its initial state to the encoder as the gradient of the encoder's final state, so one loss trains both.
// Parameters (one flat store): encoder.embedding.weight, encoder.rnn.*, decoder.embedding.weight,
// decoder.rnn.*, decoder.head.weight, decoder.head.bias. The fit loop trains it as an ITrainableModel (its batch
// source is Seq2SeqBatches); it has no dropout, so its DropoutRng is never drawn from.
// With Config.Attention the decoder also attends over the encoder's outputs (S,B,H), masked where the source is
// left padding, with input feeding (SequenceDecoder); its parameters add decoder.attention.*, and backward adds
// the attention's gradient of those outputs to the encoder's. With Config.BidirectionalEncoder the encoder reads the
// source both ways, its outputs are (S,B,2H), and the decoder starts from the sum of the two directions' final states.
using System.Numerics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Seq2Seq;

/// <summary>An encoder–decoder model whose encoder's final state initialises the decoder.</summary>
public sealed class Seq2SeqModel<T> : ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _h0 = [], _c0 = [];  // (L,B,H) the decoder's initial state: a copy of the encoder's final state
    private bool[] _mask = [];       // (S,B) attention only: true at the source's real characters, false at its left padding
    private T[] _dFinalH = [], _dFinalC = []; // (2L,B,H) bidirectional encoder only: the final states' gradient, both directions

    /// <summary>Builds the model and initialises its parameters from <paramref name="seed"/>.</summary>
    public Seq2SeqModel(Seq2SeqConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Parameters = new ParameterStore<T>();
        Encoder = new SequenceEncoder<T>(Parameters, "encoder.", config.Vocabulary, config.EmbeddingSize, config.Cell, config.HiddenSize, config.Layers,
            config.BidirectionalEncoder);
        Decoder = new SequenceDecoder<T>(Parameters, "decoder.", config.Vocabulary, config.EmbeddingSize, config.Cell, config.HiddenSize, config.Layers,
            config.Attention, config.BidirectionalEncoder ? 2 * config.HiddenSize : config.HiddenSize);
        Parameters.Seal();
        var rng = new Rng(seed);
        Encoder.Initialize(rng);
        Decoder.Initialize(rng);
        DropoutRng = new Rng(unchecked(seed ^ 0xD50D_0D50UL));
    }

    /// <summary>The architecture.</summary>
    public Seq2SeqConfig Config { get; }
    /// <summary>All parameters and gradients.</summary>
    public ParameterStore<T> Parameters { get; }
    /// <summary>
    /// The generator a dropout mask would come from. The encoder–decoder has no dropout, so it is never drawn from;
    /// it is there for the fit loop's model contract (checkpoints save and restore it).
    /// </summary>
    public Rng DropoutRng { get; }
    /// <summary>The encoder.</summary>
    public SequenceEncoder<T> Encoder { get; }
    /// <summary>The decoder.</summary>
    public SequenceDecoder<T> Decoder { get; }

    /// <summary>The decoder's initial hidden state from the last <see cref="Encode"/>, (L,B,H).</summary>
    public ReadOnlySpan<T> EncodedH => _h0.AsSpan(0, Decoder.StateSize(_batch));
    /// <summary>The decoder's initial LSTM cell state from the last <see cref="Encode"/>, (L,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> EncodedC => Config.Cell.HasCellState() ? _c0.AsSpan(0, Decoder.StateSize(_batch)) : ReadOnlySpan<T>.Empty;
    private int _batch;

    /// <summary>Encodes sources (T_s,B) and keeps their final states as the decoder's initial state.</summary>
    public void Encode(ReadOnlySpan<int> source, int sourceSteps, int batch, bool training = false)
    {
        Encoder.Forward(source, sourceSteps, batch, training);
        int n = Decoder.StateSize(batch);
        if (_h0.Length < n) { _h0 = new T[n]; _c0 = new T[n]; }
        _batch = batch;
        if (Config.BidirectionalEncoder)
        {
            // The decoder starts from h_fwd + h_bwd of each layer; the encoder's states are (L·2,B,H), index layer·2 + direction.
            SumDirections(Encoder.FinalH, _h0.AsSpan(0, n), batch);
            if (Config.Cell.HasCellState()) SumDirections(Encoder.FinalC, _c0.AsSpan(0, n), batch);
        }
        else
        {
            Encoder.FinalH.CopyTo(_h0);
            if (Config.Cell.HasCellState()) Encoder.FinalC.CopyTo(_c0);
        }
        if (Decoder.Attention is not null)
        {
            if (_mask.Length < source.Length) _mask = new bool[source.Length];
            for (int i = 0; i < source.Length; i++) _mask[i] = source[i] != Seq2SeqVocabulary.Pad;
            Decoder.SetMemory(Encoder.Output, _mask.AsSpan(0, source.Length), sourceSteps, batch);
        }
    }

    /// <summary>Teacher-forced forward: encodes <paramref name="source"/> (T_s,B) and decodes <paramref name="decoderInput"/> (T_d,B). Returns logits (T_d,B,V).</summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<int> source, int sourceSteps, ReadOnlySpan<int> decoderInput, int decoderSteps, int batch, bool training)
    {
        Encode(source, sourceSteps, batch, training);
        return Decoder.Forward(decoderInput, decoderSteps, batch, EncodedH, EncodedC, training);
    }

    /// <summary>
    /// Runs a teacher-forced forward in inference mode over a probe batch and returns the activations of both stacks,
    /// named "encoder.layer0.h", "decoder.layer0.gate_f", ... (the training statistics' probe). Overwrites the forward
    /// caches: call it between an update and the next training forward.
    /// </summary>
    internal List<ProbedActivation> ProbeActivations(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Forward(batch.Source, batch.SourceSteps, batch.DecoderInput, batch.DecoderSteps, batch.Batch, training: false);
        var activations = StackActivations.Collect(Encoder.Stack, "encoder.");
        activations.AddRange(StackActivations.Collect(Decoder.Stack, "decoder."));
        return activations;
    }

    /// <summary>Backpropagates dLogits (T_d,B,V) through decoder and encoder, adding into <see cref="ParameterStore{T}.Gradients"/>.</summary>
    public void Backward(ReadOnlySpan<T> dLogits)
    {
        Decoder.Backward(dLogits);
        if (!Config.BidirectionalEncoder)
        {
            Encoder.Backward(Decoder.InitialHGradient, Decoder.InitialCGradient, Decoder.MemoryGradient);
            return;
        }
        // h0 = h_fwd + h_bwd: each direction's final state gets the whole gradient.
        int n = Decoder.StateSize(_batch);
        if (_dFinalH.Length < 2 * n) { _dFinalH = new T[2 * n]; _dFinalC = new T[2 * n]; }
        SpreadDirections(Decoder.InitialHGradient, _dFinalH.AsSpan(0, 2 * n), _batch);
        bool lstm = Config.Cell.HasCellState();
        if (lstm) SpreadDirections(Decoder.InitialCGradient, _dFinalC.AsSpan(0, 2 * n), _batch);
        Encoder.Backward(_dFinalH.AsSpan(0, 2 * n), lstm ? _dFinalC.AsSpan(0, 2 * n) : default, Decoder.MemoryGradient);
    }

    // (L·2,B,H) → (L,B,H): state[l] = both[2l] + both[2l+1].
    private void SumDirections(ReadOnlySpan<T> both, Span<T> state, int batch)
    {
        int bh = batch * Config.HiddenSize;
        for (int l = 0; l < Config.Layers; l++)
            for (int i = 0; i < bh; i++) state[l * bh + i] = both[2 * l * bh + i] + both[(2 * l + 1) * bh + i];
    }

    // (L,B,H) → (L·2,B,H): both[2l] = both[2l+1] = gradient[l].
    private void SpreadDirections(ReadOnlySpan<T> gradient, Span<T> both, int batch)
    {
        int bh = batch * Config.HiddenSize;
        for (int l = 0; l < Config.Layers; l++)
        {
            gradient.Slice(l * bh, bh).CopyTo(both.Slice(2 * l * bh, bh));
            gradient.Slice(l * bh, bh).CopyTo(both.Slice((2 * l + 1) * bh, bh));
        }
    }
}
