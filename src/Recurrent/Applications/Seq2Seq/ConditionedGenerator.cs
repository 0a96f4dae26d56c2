// ConditionedGenerator: the one-to-many shape (image captioning, Karpathy's "RNN Effectiveness" figure): a
// feature vector f (B,F) sets the decoder's initial hidden state through a small projection,
// h0 = tanh(W f + b) reshaped to (L,B,H) (the LSTM cell state starts at zero), and the decoder generates a
// token sequence from it. The projection learns only through the decoder's initial-state gradient.
// Parameters: init.weight (L*H, F), init.bias (L*H), decoder.embedding.weight, decoder.rnn.*, decoder.head.*.
// The fit loop trains it as an ITrainableModel (its batch source is ConditionedBatches); it has no dropout, so
// its DropoutRng is never drawn from.
using System.Numerics;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Seq2Seq;

/// <summary>Architecture of a <see cref="ConditionedGenerator{T}"/>.</summary>
public sealed record ConditionedGeneratorConfig
{
    /// <summary>Features per conditioning vector.</summary>
    public int Features { get; init; }
    /// <summary>Output vocabulary, specials included (start and end ids as in <see cref="Seq2SeqVocabulary"/>).</summary>
    public int Vocabulary { get; init; }
    /// <summary>Embedding size of the decoder's inputs.</summary>
    public int EmbeddingSize { get; init; } = 16;
    /// <summary>Recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 32;
    /// <summary>Stacked layers.</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Longest generated sequence, end token excluded.</summary>
    public int MaxLength { get; init; } = 16;

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}.", name); }
        Positive(Features, nameof(Features));
        Positive(EmbeddingSize, nameof(EmbeddingSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Layers, nameof(Layers));
        Positive(MaxLength, nameof(MaxLength));
        if (Vocabulary <= Seq2SeqVocabulary.Specials)
            throw new ArgumentException($"Vocabulary must exceed the {Seq2SeqVocabulary.Specials} special tokens, got {Vocabulary}.", nameof(Vocabulary));
    }
}

/// <summary>Generates token sequences conditioned on a feature vector fed as the decoder's initial state.</summary>
public sealed class ConditionedGenerator<T> : ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Linear<T> _init;
    private T[] _features = [];   // (B,F)
    private T[] _pre = [];        // (B,L*H) tanh output, row per sequence
    private T[] _dPre = [];       // (B,L*H)
    private T[] _h0 = [], _c0 = [];  // (L,B,H)
    private int _batch;

    /// <summary>Builds the model and initialises its parameters from <paramref name="seed"/>.</summary>
    public ConditionedGenerator(ConditionedGeneratorConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Parameters = new ParameterStore<T>();
        _init = new Linear<T>(Parameters, "init.", config.Features, config.Layers * config.HiddenSize);
        Decoder = new SequenceDecoder<T>(Parameters, "decoder.", config.Vocabulary, config.EmbeddingSize, config.Cell, config.HiddenSize, config.Layers);
        Parameters.Seal();
        var rng = new Rng(seed);
        LayerInit.Linear(Parameters, _init, rng);
        Decoder.Initialize(rng);
        DropoutRng = new Rng(unchecked(seed ^ 0xD50D_0D50UL));
    }

    /// <summary>The architecture.</summary>
    public ConditionedGeneratorConfig Config { get; }
    /// <summary>All parameters and gradients.</summary>
    public ParameterStore<T> Parameters { get; }
    /// <summary>
    /// The generator a dropout mask would come from. The model has no dropout, so it is never drawn from; it is there
    /// for the fit loop's model contract (checkpoints save and restore it).
    /// </summary>
    public Rng DropoutRng { get; }
    /// <summary>The generating decoder.</summary>
    public SequenceDecoder<T> Decoder { get; }

    /// <summary>The initial hidden state of the last <see cref="Condition"/>, (L,B,H).</summary>
    public ReadOnlySpan<T> InitialH => _h0.AsSpan(0, Decoder.StateSize(_batch));
    /// <summary>The initial LSTM cell state (zeros), (L,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> InitialC => Config.Cell.HasCellState() ? _c0.AsSpan(0, Decoder.StateSize(_batch)) : ReadOnlySpan<T>.Empty;

    /// <summary>Computes the initial states h0 = tanh(W f + b) for features (B,F).</summary>
    public void Condition(ReadOnlySpan<T> features, int batch)
    {
        int f = Config.Features, lh = Config.Layers * Config.HiddenSize, h = Config.HiddenSize;
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (features.Length != batch * f) throw new ArgumentException($"features has {features.Length} values; expected (B,F) = {batch}*{f}.", nameof(features));
        Ensure(ref _features, batch * f);
        features.CopyTo(_features);
        Ensure(ref _pre, batch * lh);
        Span<T> pre = _pre.AsSpan(0, batch * lh);
        _init.Forward(features, batch, pre);
        for (int i = 0; i < pre.Length; i++) pre[i] = T.Tanh(pre[i]);
        int n = Decoder.StateSize(batch);
        Ensure(ref _h0, n);
        Ensure(ref _c0, n);
        _c0.AsSpan(0, n).Clear();
        for (int l = 0; l < Config.Layers; l++)
            for (int b = 0; b < batch; b++)
                pre.Slice(b * lh + l * h, h).CopyTo(_h0.AsSpan((l * batch + b) * h, h));
        _batch = batch;
    }

    /// <summary>Teacher-forced forward: conditions on features (B,F) and decodes inputs (T,B). Returns logits (T,B,V).</summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<T> features, ReadOnlySpan<int> decoderInput, int steps, int batch, bool training)
    {
        Condition(features, batch);
        return Decoder.Forward(decoderInput, steps, batch, InitialH, InitialC, training);
    }

    /// <summary>
    /// Runs a teacher-forced forward in inference mode over features (B,F) and decoder inputs (T,B) and returns the
    /// decoder stack's activations, named "decoder.layer0.h", ... (the training statistics' probe). Overwrites the
    /// forward caches: call it between an update and the next training forward.
    /// </summary>
    internal List<ProbedActivation> ProbeActivations(ReadOnlySpan<T> features, ReadOnlySpan<int> decoderInput, int steps, int batch)
    {
        Forward(features, decoderInput, steps, batch, training: false);
        return StackActivations.Collect(Decoder.Stack, "decoder.");
    }

    /// <summary>Backpropagates dLogits (T,B,V) through the decoder and the feature projection.</summary>
    public void Backward(ReadOnlySpan<T> dLogits)
    {
        Decoder.Backward(dLogits);
        int batch = _batch, lh = Config.Layers * Config.HiddenSize, h = Config.HiddenSize;
        ReadOnlySpan<T> dh0 = Decoder.InitialHGradient;
        Ensure(ref _dPre, batch * lh);
        Span<T> dPre = _dPre.AsSpan(0, batch * lh);
        ReadOnlySpan<T> y = _pre.AsSpan(0, batch * lh);
        for (int l = 0; l < Config.Layers; l++)
            for (int b = 0; b < batch; b++)
                for (int j = 0; j < h; j++)
                {
                    int r = b * lh + l * h + j;
                    dPre[r] = dh0[(l * batch + b) * h + j] * (T.One - y[r] * y[r]); // d tanh = 1 - tanh²
                }
        _init.Backward(_features.AsSpan(0, batch * Config.Features), dPre, batch, Span<T>.Empty);
    }

    /// <summary>Generates one sequence per feature vector (B,F): greedy when <paramref name="beam"/> is 1, else beam search.</summary>
    public Hypothesis[] Generate(ReadOnlySpan<T> features, int batch, int beam = 1)
    {
        if (beam <= 0) throw new ArgumentException($"beam must be positive, got {beam}.", nameof(beam));
        Condition(features, batch);
        if (beam == 1)
            return Decoding.Greedy(Decoder, InitialH, InitialC, batch, Seq2SeqVocabulary.Start, Seq2SeqVocabulary.End, Config.MaxLength);
        var result = new Hypothesis[batch];
        int f = Config.Features;
        T[] all = features.ToArray();
        for (int b = 0; b < batch; b++)
        {
            Condition(all.AsSpan(b * f, f), 1);
            result[b] = Decoding.BeamSearch(Decoder, InitialH, InitialC, beam, Seq2SeqVocabulary.Start, Seq2SeqVocabulary.End, Config.MaxLength);
        }
        return result;
    }

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }
}
