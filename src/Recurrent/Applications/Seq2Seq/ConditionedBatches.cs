// ConditionedBatches: the one-to-many generator's batch source for the fit loop, over (feature vector, target
// sequence) examples. Each epoch the examples are shuffled from the seed and the epoch number alone
// (Data/EpochOrder) and cut into batches; a batch — features (B,F), teacher-forced decoder inputs
// [start, y...] and targets [y..., end] (T_d,B) from Seq2SeqData.DecoderBatch, padding ignored — runs forward,
// its softmax cross-entropy and backward through the decoder and the feature projection, and the shared
// StepEngine finishes the step. Nothing is carried between batches. Its activation probe (the training statistics) is
// the first ≤8 examples as one batch, run through the decoder in inference mode. For an attending generator each
// example also has its grid (R,F), gathered into (B,R,F) per batch. Examples hold references: many examples may
// share one feature array (the captions of one image), which is never copied except into the batch buffer.
// When its engine has a Reducer (data parallelism) every rank makes the same epoch order and trains on its contiguous
// share of each batch's examples (GradientReduction.Share), as Seq2SeqBatches does. The loss is a mean over the counted
// target tokens (end marks included, padding not) and the engine weights the ranks by those counts, so the step is the
// one-process step over the whole batch: a share's shorter decoder padding (T_d is its own longest target) only adds
// ignored positions after each row's end, which the left-to-right decoder never reads back, and attention reads each
// row's own grid. The generator has no dropout, so no mask is shared. A rank whose share of a short last batch is empty
// still joins the sums, with nothing counted. ItemsPerBatch is the whole batch's tokens.
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>One training example of a <see cref="ConditionedGenerator{T}"/>.</summary>
/// <param name="Features">The conditioning vector (F values).</param>
/// <param name="Target">The sequence to generate: token ids without start and end (as <see cref="Seq2SeqVocabulary.Encode"/> gives them).</param>
/// <param name="Grid">The attended grid (R·F values, region-major) for a generator with attention; null without.</param>
public sealed record ConditionedExample(float[] Features, int[] Target, float[]? Grid = null);

/// <summary>Shuffled batches of (features, sequence) examples, trained with teacher forcing and cross-entropy.</summary>
public sealed class ConditionedBatches : IBatchSource, IActivationProbe
{
    private readonly ConditionedGenerator<float> _model;
    private readonly IReadOnlyList<ConditionedExample> _examples;
    private readonly EpochOrder _order;
    private float[] _features = [];  // (B,F)
    private float[] _grid = [];      // (B,R,F) with attention
    private readonly TeacherForcedLoss _loss;
    private float[]? _probeFeatures;     // (B_p,F) the first ≤8 examples, for the activation probe
    private float[] _probeGrid = [];     // (B_p,R,F) their grids with attention
    private int[] _probeInput = [];      // (T,B_p) their teacher-forced decoder inputs
    private int _probeSteps;
    private readonly StepEngine<float> _engine;
    private readonly int _rank, _ranks;  // this process's share of each batch (0 of 1: all of it)

    /// <summary>
    /// Batches of <paramref name="batchSize"/> of <paramref name="examples"/> for <paramref name="model"/>, finished by
    /// <paramref name="engine"/>. Throws ArgumentException naming the first example of the wrong size or with a token
    /// id outside the model's vocabulary. With a reducer on the engine, this rank trains its share of each batch;
    /// <paramref name="batchSize"/> is the global batch and must be a multiple of the ranks.
    /// </summary>
    public ConditionedBatches(ConditionedGenerator<float> model, StepEngine<float> engine, IReadOnlyList<ConditionedExample> examples, int batchSize, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(examples);
        if (!ReferenceEquals(engine.Parameters, model.Parameters))
            throw new ArgumentException("The step engine trains another model's parameters.", nameof(engine));
        if (examples.Count == 0) throw new ArgumentException("There are no training examples.", nameof(examples));
        var c = model.Config;
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i] ?? throw new ArgumentException($"Example {i} is null.", nameof(examples));
            if (e.Features is null || e.Features.Length != c.Features)
                throw new ArgumentException($"Example {i} has {e.Features?.Length ?? 0} features; the model reads {c.Features}.", nameof(examples));
            if (c.Attends && (e.Grid is null || e.Grid.Length != c.Regions * c.Features))
                throw new ArgumentException($"Example {i} has a grid of {e.Grid?.Length ?? 0} values; the model attends over (R,F) = {c.Regions}*{c.Features}.", nameof(examples));
            if (!c.Attends && e.Grid is not null)
                throw new ArgumentException($"Example {i} has a grid, but the model has no attention to read it.", nameof(examples));
            if (e.Target is null || e.Target.Length > c.MaxLength)
                throw new ArgumentException($"Example {i}'s target has {e.Target?.Length ?? 0} tokens; the model generates at most {c.MaxLength}.", nameof(examples));
            foreach (int id in e.Target)
                if (id < Seq2SeqVocabulary.Specials || id >= c.Vocabulary)
                    throw new ArgumentException($"Example {i}'s target holds the id {id}, outside the characters [{Seq2SeqVocabulary.Specials}, {c.Vocabulary}).", nameof(examples));
        }
        (_rank, _ranks) = (engine.Reducer?.Rank ?? 0, engine.Reducer?.Size ?? 1);
        if (batchSize % _ranks != 0)
            throw new ArgumentException($"BatchSize {batchSize} cannot be split evenly over {_ranks} processes; use a multiple of {_ranks}.", "BatchSize");
        _engine = engine;
        _model = model;
        _loss = new TeacherForcedLoss(engine, model.Config.Vocabulary);
        _examples = examples;
        _order = new EpochOrder(examples.Count, batchSize, seed);
    }

    /// <inheritdoc/>
    public long BatchesPerEpoch => _order.BatchesPerEpoch;
    /// <inheritdoc/>
    public long Position => _order.Position;
    /// <inheritdoc/>
    public long ItemsPerBatch { get; private set; }

    /// <inheritdoc/>
    public void Seek(int epoch, long position) => _order.Seek(epoch, position);

    /// <inheritdoc/>
    public StepResult TrainNext()
    {
        ReadOnlySpan<int> indices = _order.Next();
        if (_ranks > 1)
        {
            var (first, count) = GradientReduction.Share(indices.Length, _rank, _ranks);
            indices = indices.Slice(first, count);
            if (count == 0)
            {
                _model.Parameters.ZeroGradients();
                StepResult empty = _engine.Update(0, 0);
                ItemsPerBatch = empty.Counted;
                return empty;
            }
        }
        int b = indices.Length, f = _model.Config.Features, g = _model.Config.Regions * f;
        if (_features.Length < b * f) _features = new float[b * f];
        if (_grid.Length < b * g) _grid = new float[b * g];
        var targets = new int[b][];
        for (int i = 0; i < b; i++)
        {
            var example = _examples[indices[i]];
            example.Features.CopyTo(_features, i * f);
            example.Grid?.CopyTo(_grid, i * g);
            targets[i] = example.Target;
        }
        var (input, output, steps) = Seq2SeqData.DecoderBatch(targets);
        ReadOnlySpan<float> logits = _model.Forward(_features.AsSpan(0, b * f), _grid.AsSpan(0, b * g), input, steps, b, training: true);
        StepResult result = _loss.Finish(logits, output, _model.Backward);
        ItemsPerBatch = result.Counted; // the whole batch's counted tokens (summed over the ranks by the engine)
        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ProbedActivation> Probe()
    {
        int b = Math.Min(_examples.Count, IActivationProbe.MaxRows), f = _model.Config.Features, g = _model.Config.Regions * f;
        if (_probeFeatures is null)
        {
            _probeFeatures = new float[b * f];
            _probeGrid = new float[b * g];
            for (int i = 0; i < b; i++)
            {
                _examples[i].Features.CopyTo(_probeFeatures, i * f);
                _examples[i].Grid?.CopyTo(_probeGrid, i * g);
            }
            (_probeInput, _, _probeSteps) = Seq2SeqData.DecoderBatch(_examples.Take(b).Select(e => e.Target).ToList());
        }
        return _model.ProbeActivations(_probeFeatures, _probeGrid, _probeInput, _probeSteps, b);
    }

    /// <inheritdoc/>
    public void AfterStep(bool applied) { }

    /// <inheritdoc/>
    public byte[] SaveState() => [];

    /// <inheritdoc/>
    public void LoadState(byte[] state, string source) { }
}
