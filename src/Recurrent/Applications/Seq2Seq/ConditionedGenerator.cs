// ConditionedGenerator: the one-to-many shape (image captioning, Karpathy's "RNN Effectiveness" figure): a
// feature vector f (B,F) sets the decoder's initial hidden state through a small projection,
// h0 = tanh(W f + b) reshaped to (L,B,H) (the LSTM cell state starts at zero), and the decoder generates a
// token sequence from it. The projection learns only through the decoder's initial-state gradient.
// Parameters: init.weight (L*H, F), init.bias (L*H), decoder.embedding.weight, decoder.rnn.*, decoder.head.*.
// With attention (Show, Attend and Tell, Xu et al. 2015) the decoder also attends over a grid of R feature vectors
// per example (a CNN's spatial map, (B,R,F) region-major): the grid becomes the decoder's memory laid out (R,B,F)
// with every region valid, and the initial state still comes from the pooled vector f (the paper starts from the
// mean annotation, which for a globally average-pooled CNN is f). The grid is an input, not a parameter: the memory
// gradient the attention computes is not used (the CNN is frozen), except to train the optional region positions
// (RegionPositions: a learned vector per region, or per row and per column of the square grid, added to every
// region's features, so the decoder can tell where it looks; RegionPositionKind).
// The fit loop trains it as an ITrainableModel (its batch source is ConditionedBatches); it has no dropout, so
// its DropoutRng is never drawn from.
using System.Numerics;
using System.Text.Json.Serialization;
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
    /// <summary>
    /// Attention of the decoder over a grid of <see cref="Regions"/> feature vectors (None: the feature vector only).
    /// Not written when None, so files of generators without attention are as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public AttentionKind Attention { get; init; }
    /// <summary>Regions R of the attended grid, each <see cref="Features"/> wide; 0 without attention.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Regions { get; init; }
    /// <summary>
    /// With attention: learned position vectors added to every example's grid before the decoder attends over it, so
    /// what the decoder reads from a region also says where the region is (a CNN's grid carries almost no absolute
    /// position; relations such as "left of" need it). PerRegion: one vector per region (position.weight, (R, F));
    /// RowColumn: one per row and one per column of a square grid (R = S·S, region r = row·S + column;
    /// position.row.weight and position.column.weight, (S, F) each), region r getting row[r / S] + column[r % S].
    /// Not written when None.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public RegionPositionKind RegionPositions { get; init; }

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
        if (!Enum.IsDefined(Attention)) throw new ArgumentException($"Attention {Attention} is not a known kind.", nameof(Attention));
        if (Attention == AttentionKind.None && Regions != 0)
            throw new ArgumentException($"Regions must be 0 without attention, got {Regions}.", nameof(Regions));
        if (Attention != AttentionKind.None && Regions <= 0)
            throw new ArgumentException($"Regions must be positive with {Attention} attention, got {Regions}.", nameof(Regions));
        if (!Enum.IsDefined(RegionPositions)) throw new ArgumentException($"RegionPositions {RegionPositions} is not a known kind.", nameof(RegionPositions));
        if (RegionPositions != RegionPositionKind.None && Attention == AttentionKind.None)
            throw new ArgumentException("RegionPositions needs attention: without it there is no grid to add them to.", nameof(RegionPositions));
        if (RegionPositions == RegionPositionKind.RowColumn && GridSide * GridSide != Regions)
            throw new ArgumentException($"RowColumn positions need a square grid (rows and columns); {Regions} regions is not a square.", nameof(RegionPositions));
        if (Attention == AttentionKind.LuongDot && Features != HiddenSize)
            throw new ArgumentException($"Luong dot attention needs grid vectors as wide as the decoder state; got Features = {Features}, HiddenSize = {HiddenSize} (use Luong or Bahdanau).", nameof(Attention));
    }

    /// <summary>Side S of a square grid of <see cref="Regions"/> = S·S regions (rounded down otherwise).</summary>
    [JsonIgnore]
    public int GridSide => (int)Math.Sqrt(Regions);

    /// <summary>True when the generator attends over a grid.</summary>
    [JsonIgnore]
    public bool Attends => Attention != AttentionKind.None;
}

/// <summary>Generates token sequences conditioned on a feature vector fed as the decoder's initial state.</summary>
public sealed class ConditionedGenerator<T> : ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Linear<T> _init;
    private T[] _features = [];   // (B,F)
    private T[] _pre = [];        // (B,L*H) tanh output, row per sequence
    private T[] _dPre = [];       // (B,L*H)
    private T[] _h0 = [], _c0 = [];  // (L,B,H)
    private T[] _memory = [];     // (R,B,F) the grid laid out for the attention, plus the region positions
    private readonly Parameter? _positions;                      // (R,F) with PerRegion positions
    private readonly Parameter? _rowPositions, _columnPositions; // (S,F) each, with RowColumn positions
    private bool[] _mask = [];    // (R,B) all true
    private int _batch;

    /// <summary>Builds the model and initialises its parameters from <paramref name="seed"/>.</summary>
    public ConditionedGenerator(ConditionedGeneratorConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Parameters = new ParameterStore<T>();
        _init = new Linear<T>(Parameters, "init.", config.Features, config.Layers * config.HiddenSize);
        Decoder = new SequenceDecoder<T>(Parameters, "decoder.", config.Vocabulary, config.EmbeddingSize, config.Cell, config.HiddenSize, config.Layers,
            config.Attention, config.Attends ? config.Features : 0);
        if (config.RegionPositions == RegionPositionKind.PerRegion)
            _positions = Parameters.Add("position.weight", ParameterRole.Weight, config.Regions, config.Features);
        if (config.RegionPositions == RegionPositionKind.RowColumn)
        {
            _rowPositions = Parameters.Add("position.row.weight", ParameterRole.Weight, config.GridSide, config.Features);
            _columnPositions = Parameters.Add("position.column.weight", ParameterRole.Weight, config.GridSide, config.Features);
        }
        Parameters.Seal();
        // The grid is a frozen CNN's output: its gradient is needed only to train the region positions added to it.
        if (Decoder.Attention is not null) Decoder.Attention.ComputesMemoryGradient = config.RegionPositions != RegionPositionKind.None;
        var rng = new Rng(seed);
        LayerInit.Linear(Parameters, _init, rng);
        Decoder.Initialize(rng);
        // Small next to the standardised grid (unit variance per channel), so training starts from the plain grid.
        if (_positions is not null)
            foreach (ref T v in Parameters.Value(_positions)) v = T.CreateChecked(0.1 * rng.NextGaussian());
        if (_rowPositions is not null && _columnPositions is not null)
        {
            foreach (ref T v in Parameters.Value(_rowPositions)) v = T.CreateChecked(0.1 * rng.NextGaussian());
            foreach (ref T v in Parameters.Value(_columnPositions)) v = T.CreateChecked(0.1 * rng.NextGaussian());
        }
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

    /// <summary>The initial hidden state of the last conditioning, (L,B,H).</summary>
    public ReadOnlySpan<T> InitialH => _h0.AsSpan(0, Decoder.StateSize(_batch));
    /// <summary>The initial LSTM cell state (zeros), (L,B,H); empty for other cells.</summary>
    public ReadOnlySpan<T> InitialC => Config.Cell.HasCellState() ? _c0.AsSpan(0, Decoder.StateSize(_batch)) : ReadOnlySpan<T>.Empty;

    /// <summary>Computes the initial states h0 = tanh(W f + b) for features (B,F) of a generator without attention.</summary>
    public void Condition(ReadOnlySpan<T> features, int batch) => Condition(features, ReadOnlySpan<T>.Empty, batch);

    /// <summary>
    /// Computes the initial states h0 = tanh(W f + b) for features (B,F) and, for an attending generator, sets the
    /// grid (B,R,F) as the decoder's memory (R,B,F). <paramref name="grid"/> must be empty without attention.
    /// </summary>
    public void Condition(ReadOnlySpan<T> features, ReadOnlySpan<T> grid, int batch)
    {
        int f = Config.Features, lh = Config.Layers * Config.HiddenSize, h = Config.HiddenSize, r = Config.Regions;
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (features.Length != batch * f) throw new ArgumentException($"features has {features.Length} values; expected (B,F) = {batch}*{f}.", nameof(features));
        if (!Config.Attends && !grid.IsEmpty)
            throw new ArgumentException($"grid has {grid.Length} values, but this generator has no attention and reads no grid.", nameof(grid));
        if (Config.Attends)
        {
            if (grid.Length != batch * r * f)
                throw new ArgumentException($"grid has {grid.Length} values; expected (B,R,F) = {batch}*{r}*{f} for a generator attending over {r} regions.", nameof(grid));
            Ensure(ref _memory, r * batch * f);
            if (_mask.Length < r * batch) _mask = new bool[r * batch];
            _mask.AsSpan(0, r * batch).Fill(true);
            // (B,R,F) → (R,B,F), plus region j's position vector, or its row's and column's
            int side = Config.GridSide;
            for (int b = 0; b < batch; b++)
                for (int j = 0; j < r; j++)
                {
                    Span<T> m = _memory.AsSpan((j * batch + b) * f, f);
                    grid.Slice((b * r + j) * f, f).CopyTo(m);
                    if (_positions is not null)
                    {
                        ReadOnlySpan<T> position = Parameters.Value(_positions).Slice(j * f, f);
                        for (int k = 0; k < f; k++) m[k] += position[k];
                    }
                    if (_rowPositions is not null && _columnPositions is not null)
                    {
                        ReadOnlySpan<T> rowP = Parameters.Value(_rowPositions).Slice(j / side * f, f);
                        ReadOnlySpan<T> columnP = Parameters.Value(_columnPositions).Slice(j % side * f, f);
                        for (int k = 0; k < f; k++) m[k] += rowP[k] + columnP[k];
                    }
                }
            Decoder.SetMemory(_memory.AsSpan(0, r * batch * f), _mask.AsSpan(0, r * batch), r, batch);
        }
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
    public ReadOnlySpan<T> Forward(ReadOnlySpan<T> features, ReadOnlySpan<int> decoderInput, int steps, int batch, bool training) =>
        Forward(features, ReadOnlySpan<T>.Empty, decoderInput, steps, batch, training);

    /// <summary>
    /// Teacher-forced forward: conditions on features (B,F) and, with attention, the grid (B,R,F; empty without), and
    /// decodes inputs (T,B). Returns logits (T,B,V).
    /// </summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<T> features, ReadOnlySpan<T> grid, ReadOnlySpan<int> decoderInput, int steps, int batch, bool training)
    {
        Condition(features, grid, batch);
        return Decoder.Forward(decoderInput, steps, batch, InitialH, InitialC, training);
    }

    /// <summary>
    /// Runs a teacher-forced forward in inference mode over features (B,F) and decoder inputs (T,B) and returns the
    /// decoder stack's activations, named "decoder.layer0.h", ... (the training statistics' probe). Overwrites the
    /// forward caches: call it between an update and the next training forward.
    /// </summary>
    internal List<ProbedActivation> ProbeActivations(ReadOnlySpan<T> features, ReadOnlySpan<T> grid, ReadOnlySpan<int> decoderInput, int steps, int batch)
    {
        Forward(features, grid, decoderInput, steps, batch, training: false);
        return StackActivations.Collect(Decoder.Stack, "decoder.");
    }

    /// <summary>
    /// Backpropagates dLogits (T,B,V) through the decoder (and its attention, and the region positions) and the
    /// feature projection. The grid is an input of a frozen network: its gradient is not propagated.
    /// </summary>
    public void Backward(ReadOnlySpan<T> dLogits)
    {
        Decoder.Backward(dLogits);
        if (_positions is not null)
        {
            // memory[j,b] = grid[b,j] + P[j]  ⇒  dP[j] = Σ_b dMemory[j,b]
            int f = Config.Features, r = Config.Regions;
            ReadOnlySpan<T> dMemory = Decoder.MemoryGradient;
            Span<T> dP = Parameters.Gradient(_positions);
            for (int j = 0; j < r; j++)
                for (int b = 0; b < _batch; b++)
                {
                    ReadOnlySpan<T> d = dMemory.Slice((j * _batch + b) * f, f);
                    Span<T> g = dP.Slice(j * f, f);
                    for (int k = 0; k < f; k++) g[k] += d[k];
                }
        }
        if (_rowPositions is not null && _columnPositions is not null)
        {
            // memory[j,b] = grid[b,j] + Row[j / S] + Column[j % S]  ⇒  dRow[i] = Σ_{j in row i} Σ_b dMemory[j,b], likewise dColumn
            int f = Config.Features, r = Config.Regions, side = Config.GridSide;
            ReadOnlySpan<T> dMemory = Decoder.MemoryGradient;
            Span<T> dRow = Parameters.Gradient(_rowPositions), dColumn = Parameters.Gradient(_columnPositions);
            for (int j = 0; j < r; j++)
            {
                Span<T> gRow = dRow.Slice(j / side * f, f), gColumn = dColumn.Slice(j % side * f, f);
                for (int b = 0; b < _batch; b++)
                {
                    ReadOnlySpan<T> d = dMemory.Slice((j * _batch + b) * f, f);
                    for (int k = 0; k < f; k++) { gRow[k] += d[k]; gColumn[k] += d[k]; }
                }
            }
        }
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
    public Hypothesis[] Generate(ReadOnlySpan<T> features, int batch, int beam = 1) => Generate(features, ReadOnlySpan<T>.Empty, batch, beam);

    /// <summary>
    /// Generates one sequence per example — feature vectors (B,F) and, with attention, grids (B,R,F; empty without):
    /// greedy when <paramref name="beam"/> is 1, else beam search of that width, one example at a time.
    /// </summary>
    public Hypothesis[] Generate(ReadOnlySpan<T> features, ReadOnlySpan<T> grid, int batch, int beam = 1)
    {
        if (beam <= 0) throw new ArgumentException($"beam must be positive, got {beam}.", nameof(beam));
        Condition(features, grid, batch);
        if (beam == 1)
            return Decoding.Greedy(Decoder, InitialH, InitialC, batch, Seq2SeqVocabulary.Start, Seq2SeqVocabulary.End, Config.MaxLength);
        var result = new Hypothesis[batch];
        int f = Config.Features, g = Config.Regions * f;
        T[] all = features.ToArray(), grids = grid.ToArray();
        for (int b = 0; b < batch; b++)
        {
            Condition(all.AsSpan(b * f, f), Config.Attends ? grids.AsSpan(b * g, g) : ReadOnlySpan<T>.Empty, 1);
            result[b] = Decoding.BeamSearch(Decoder, InitialH, InitialC, beam, Seq2SeqVocabulary.Start, Seq2SeqVocabulary.End, Config.MaxLength);
        }
        return result;
    }

    /// <summary>
    /// The attention weights an attending generator gave the R regions of one example (features (F), grid (R,F)) at
    /// each step of <paramref name="hypothesis"/> — each emitted token, then the end token when it finished — as
    /// (steps, R), rows summing to 1. They come from one teacher-forced pass over [start, tokens...], which is the
    /// decoding path itself, so they are the weights greedy or beam decoding used. Throws InvalidOperationException
    /// for a generator without attention.
    /// </summary>
    public T[] AttentionWeights(ReadOnlySpan<T> features, ReadOnlySpan<T> grid, Hypothesis hypothesis)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        var attention = Decoder.Attention ?? throw new InvalidOperationException("This generator has no attention, so it has no attention weights.");
        int steps = hypothesis.Tokens.Length + (hypothesis.Finished ? 1 : 0), r = Config.Regions;
        if (steps == 0) return [];
        var input = new int[steps];
        input[0] = Seq2SeqVocabulary.Start;
        for (int t = 1; t < steps; t++) input[t] = hypothesis.Tokens[t - 1];
        Forward(features, grid, input, steps, 1, training: false);
        var weights = new T[steps * r];
        for (int t = 0; t < steps; t++) attention.Weights(t).CopyTo(weights.AsSpan(t * r, r));
        return weights;
    }

    private static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
    }
}
