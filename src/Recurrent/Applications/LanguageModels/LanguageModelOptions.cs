// LanguageModelOptions: every setting of a char-rnn style language-model run — architecture and batching of its
// own, and the records every kind of model shares: how it is optimised (OptimizationOptions: optimizer, clipping,
// weight decay, schedule) and the run controls of the fit loop (FitOptions: budgets, patience, evaluation, logging
// and checkpoint intervals, divergence guard) — plus sampling and the seed, as one immutable record that is stored
// (as JSON) in every checkpoint, so a resumed run rebuilds exactly the same run. Not the data: which corpus and
// tokenizer a run uses is TrainingDataSpec.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>
/// Settings of a language-model training run (<see cref="LanguageModelRun"/>). Defaults are a 2-layer
/// LSTM-128 with a 64-wide embedding, batches of 32 streams × 64 steps, Adam 2e-3 and global-norm clipping at 5,
/// an evaluation every 200 updates and a metrics line every 25; a budget must be given.
/// </summary>
public sealed record LanguageModelOptions
{
    // ---- architecture ----
    /// <summary>The recurrent cell.</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Hidden units per layer.</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Embedding width; 0 feeds one-hot vectors instead (char-rnn).</summary>
    public int EmbeddingSize { get; init; } = 64;
    /// <summary>Dropout between stacked layers during training, in [0, 1).</summary>
    public double Dropout { get; init; }
    /// <summary>
    /// Whether <see cref="Dropout"/> uses one mask per stream for the whole window (locked / variational, AWD-LSTM) rather
    /// than one per step and unit (false, PyTorch's nn.LSTM dropout; the library default, so earlier runs resume as they
    /// started). <c>rnn train</c> sets it for new runs. Recorded in the model configuration when <see cref="Dropout"/> is on.
    /// </summary>
    public bool LockedDropout { get; init; }
    /// <summary>Locked dropout on the embedding outputs (or one-hot vectors) entering the first layer, in [0, 1); see <see cref="Models.ModelConfig.InputDropout"/>.</summary>
    public double InputDropout { get; init; }
    /// <summary>Locked dropout on the last layer's outputs before the head, in [0, 1); see <see cref="Models.ModelConfig.OutputDropout"/>.</summary>
    public double OutputDropout { get; init; }
    /// <summary>Whole-token dropout of embedding-table rows, in [0, 1); needs an embedding; see <see cref="Models.ModelConfig.EmbeddingDropout"/>.</summary>
    public double EmbeddingDropout { get; init; }
    /// <summary>DropConnect on the recurrent weights W_hh, in [0, 1); see <see cref="Models.ModelConfig.WeightDrop"/>.</summary>
    public double WeightDrop { get; init; }
    /// <summary>Layer-normalised LSTM or GRU cells; see <see cref="Models.ModelConfig.LayerNorm"/>. Left out of the run spec's JSON when false.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool LayerNorm { get; init; }
    /// <summary>Mogrifier rounds of an LSTM (0: none); see <see cref="Models.ModelConfig.MogrifierRounds"/>. Left out of the run spec's JSON when 0.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int MogrifierRounds { get; init; }
    /// <summary>Rank of the Mogrifier's matrices (0: full); see <see cref="Models.ModelConfig.MogrifierRank"/>. Left out of the run spec's JSON when 0.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int MogrifierRank { get; init; }
    /// <summary>The cell input/output function (LSTM g and h, GRU n, tanh RNN h): tanh (default) or softsign; see <see cref="Models.ModelConfig.Activation"/>.</summary>
    public CellActivation Activation { get; init; } = CellActivation.Tanh;
    /// <summary>The gate function of LSTM and GRU: sigmoid (default) or hard sigmoid; see <see cref="Models.ModelConfig.GateActivation"/>.</summary>
    public GateActivation GateActivation { get; init; } = GateActivation.Sigmoid;
    /// <summary>
    /// The LSTM's initial forget-gate bias (<see cref="Models.ModelConfig.ForgetGateBias"/>); null (the default) keeps
    /// the model's default, <see cref="Models.ModelConfig.DefaultForgetGateBias"/>. Ignored by GRU and plain RNN
    /// cells. Left out of the run spec's JSON when null.
    /// </summary>
    public double? ForgetGateBias { get; init; }
    /// <summary>
    /// Weight tying (Press &amp; Wolf 2016): the output layer uses the embedding table as its weight, with a learned
    /// projection when the embedding and hidden sizes differ; see <see cref="Models.ModelConfig.TieWeights"/>. Needs an
    /// embedding (EmbeddingSize &gt; 0). Left out of the run spec's JSON when false.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool TieWeights { get; init; }

    // ---- batching ----
    /// <summary>B: parallel contiguous streams.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>T: time steps per window (truncated BPTT length).</summary>
    public int SequenceLength { get; init; } = 64;

    // ---- shared with every kind of model ----
    /// <summary>Optimizer, clipping, weight decay and learning-rate schedule (default Adam 2e-3, clip norm 5).</summary>
    public OptimizationOptions Optimization { get; init; } = new();
    /// <summary>Budgets, patience, evaluation/logging/checkpoint intervals and the divergence guard (EvalEvery 0 = only at the end).</summary>
    public FitOptions Fit { get; init; } = new() { EvalEvery = 200, LogEvery = 25 };

    // ---- sampling ----
    /// <summary>Updates between samples printed during training (0 = none).</summary>
    public int SampleEvery { get; init; }
    /// <summary>Tokens per sample.</summary>
    public int SampleLength { get; init; } = 200;
    /// <summary>Sampling temperature.</summary>
    public double SampleTemperature { get; init; } = 1.0;
    /// <summary>Text the samples start from (null: a newline).</summary>
    public string? SamplePrime { get; init; }
    /// <summary>Seed of the initialisation, dropout and the samples.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Throws ArgumentException (ParamName = the property) naming the first impossible setting.</summary>
    public void Validate()
    {
        Positive(Layers, nameof(Layers));
        Positive(HiddenSize, nameof(HiddenSize));
        if (EmbeddingSize < 0) throw Bad(nameof(EmbeddingSize), $"must be 0 (one-hot) or positive, got {EmbeddingSize}");
        if (!(Dropout >= 0 && Dropout < 1)) throw Bad(nameof(Dropout), $"must be in [0, 1), got {Dropout}");
        if (ForgetGateBias is double fb && !double.IsFinite(fb)) throw Bad(nameof(ForgetGateBias), $"must be finite, got {fb}");
        Probability(InputDropout, nameof(InputDropout));
        Probability(OutputDropout, nameof(OutputDropout));
        Probability(EmbeddingDropout, nameof(EmbeddingDropout));
        Probability(WeightDrop, nameof(WeightDrop));
        global::Recurrent.Layers.RecurrentDirection<float>.CheckStructure(Cell, false, LayerNorm, MogrifierRounds, MogrifierRank);
        if (EmbeddingDropout > 0 && EmbeddingSize == 0)
            throw Bad(nameof(EmbeddingDropout), $"drops rows of the embedding table, but EmbeddingSize 0 means one-hot inputs (no table); use InputDropout, or an embedding");
        if (TieWeights && EmbeddingSize == 0)
            throw Bad(nameof(TieWeights), "needs an embedding table to share with the output layer, but an embedding size of 0 means one-hot inputs; use a positive embedding size");
        Positive(BatchSize, nameof(BatchSize));
        Positive(SequenceLength, nameof(SequenceLength));
        ArgumentNullException.ThrowIfNull(Optimization, nameof(Optimization));
        ArgumentNullException.ThrowIfNull(Fit, nameof(Fit));
        Optimization.Validate();
        Fit.Validate();
        if (Fit.EvalEvery is null) throw Bad(nameof(FitOptions.EvalEvery), "must be set for a language model (0 = only at the end)");
        if (SampleEvery < 0) throw Bad(nameof(SampleEvery), $"must be >= 0, got {SampleEvery}");
        Positive(SampleLength, nameof(SampleLength));
        if (!(SampleTemperature > 0 && double.IsFinite(SampleTemperature))) throw Bad(nameof(SampleTemperature), $"must be positive and finite, got {SampleTemperature}");
    }

    /// <summary>The model architecture for a vocabulary of <paramref name="vocabularySize"/> tokens.</summary>
    public ModelConfig ModelConfig(int vocabularySize) => new()
    {
        Input = EmbeddingSize > 0 ? InputKind.Embedding : InputKind.OneHot,
        InputSize = vocabularySize,
        EmbeddingSize = EmbeddingSize,
        Cell = Cell,
        Activation = Activation,
        GateActivation = GateActivation,
        HiddenSize = HiddenSize,
        Layers = Layers,
        Dropout = Dropout,
        // Only meaningful with dropout between layers; left out otherwise so a model without it keeps its file.
        LockedDropout = LockedDropout && Dropout > 0,
        InputDropout = InputDropout,
        OutputDropout = OutputDropout,
        EmbeddingDropout = EmbeddingDropout,
        WeightDrop = WeightDrop,
        LayerNorm = LayerNorm,
        MogrifierRounds = MogrifierRounds,
        MogrifierRank = MogrifierRank,
        OutputSize = vocabularySize,
        TieWeights = TieWeights,
        ForgetGateBias = ForgetGateBias ?? Recurrent.Models.ModelConfig.DefaultForgetGateBias,
    };

    /// <summary>The optimizer, sized for <paramref name="parameterCount"/> parameters.</summary>
    public Optimizer<float> CreateOptimizer(int parameterCount) => Optimization.CreateOptimizer(parameterCount);

    /// <summary>Clipping and penalties for the step engine.</summary>
    public TrainerOptions TrainerOptions() => Optimization.TrainerOptions();

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateSchedule CreateSchedule() => Optimization.CreateSchedule();

    /// <summary>
    /// These options with the run controls and sample settings of <paramref name="other"/> (what a resumed run may
    /// change); the architecture, batching, optimization and seed stay.
    /// </summary>
    public LanguageModelOptions WithRunControlsFrom(LanguageModelOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            Fit = other.Fit, SampleEvery = other.SampleEvery, SampleLength = other.SampleLength,
            SampleTemperature = other.SampleTemperature, SamplePrime = other.SamplePrime,
        };
    }

    private static void Probability(double p, string name)
    {
        if (!(p >= 0 && p < 1)) throw Bad(name, $"must be in [0, 1), got {p}");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw Bad(name, $"must be positive, got {value}");
    }

    private static ArgumentException Bad(string name, string what) => new($"{name} {what}.", name);
}
