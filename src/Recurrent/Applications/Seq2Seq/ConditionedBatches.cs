// ConditionedBatches: the one-to-many generator's batch source for the fit loop, over (feature vector, target
// sequence) examples. Each epoch the examples are shuffled from the seed and the epoch number alone
// (Data/EpochOrder) and cut into batches; a batch — features (B,F), teacher-forced decoder inputs
// [start, y...] and targets [y..., end] (T_d,B) from Seq2SeqData.DecoderBatch, padding ignored — runs forward,
// its softmax cross-entropy and backward through the decoder and the feature projection, and the shared
// StepEngine finishes the step. Nothing is carried between batches. Its activation probe (the training statistics) is
// the first ≤8 examples as one batch, run through the decoder in inference mode.
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>One training example of a <see cref="ConditionedGenerator{T}"/>.</summary>
/// <param name="Features">The conditioning vector (F values).</param>
/// <param name="Target">The sequence to generate: token ids without start and end (as <see cref="Seq2SeqVocabulary.Encode"/> gives them).</param>
public sealed record ConditionedExample(float[] Features, int[] Target);

/// <summary>Shuffled batches of (features, sequence) examples, trained with teacher forcing and cross-entropy.</summary>
public sealed class ConditionedBatches : IBatchSource, IActivationProbe
{
    private readonly ConditionedGenerator<float> _model;
    private readonly IReadOnlyList<ConditionedExample> _examples;
    private readonly EpochOrder _order;
    private float[] _features = [];  // (B,F)
    private readonly TeacherForcedLoss _loss;
    private float[]? _probeFeatures;     // (B_p,F) the first ≤8 examples, for the activation probe
    private int[] _probeInput = [];      // (T,B_p) their teacher-forced decoder inputs
    private int _probeSteps;

    /// <summary>
    /// Batches of <paramref name="batchSize"/> of <paramref name="examples"/> for <paramref name="model"/>, finished by
    /// <paramref name="engine"/>. Throws ArgumentException naming the first example of the wrong size or with a token
    /// id outside the model's vocabulary.
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
            if (e.Target is null || e.Target.Length > c.MaxLength)
                throw new ArgumentException($"Example {i}'s target has {e.Target?.Length ?? 0} tokens; the model generates at most {c.MaxLength}.", nameof(examples));
            foreach (int id in e.Target)
                if (id < Seq2SeqVocabulary.Specials || id >= c.Vocabulary)
                    throw new ArgumentException($"Example {i}'s target holds the id {id}, outside the characters [{Seq2SeqVocabulary.Specials}, {c.Vocabulary}).", nameof(examples));
        }
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
        int b = indices.Length, f = _model.Config.Features;
        if (_features.Length < b * f) _features = new float[b * f];
        var targets = new int[b][];
        for (int i = 0; i < b; i++)
        {
            _examples[indices[i]].Features.CopyTo(_features, i * f);
            targets[i] = _examples[indices[i]].Target;
        }
        var (input, output, steps) = Seq2SeqData.DecoderBatch(targets);
        ReadOnlySpan<float> logits = _model.Forward(_features.AsSpan(0, b * f), input, steps, b, training: true);
        StepResult result = _loss.Finish(logits, output, _model.Backward);
        ItemsPerBatch = _loss.Counted;
        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ProbedActivation> Probe()
    {
        int b = Math.Min(_examples.Count, IActivationProbe.MaxRows), f = _model.Config.Features;
        if (_probeFeatures is null)
        {
            _probeFeatures = new float[b * f];
            for (int i = 0; i < b; i++) _examples[i].Features.CopyTo(_probeFeatures, i * f);
            (_probeInput, _, _probeSteps) = Seq2SeqData.DecoderBatch(_examples.Take(b).Select(e => e.Target).ToList());
        }
        return _model.ProbeActivations(_probeFeatures, _probeInput, _probeSteps, b);
    }

    /// <inheritdoc/>
    public void AfterStep(bool applied) { }

    /// <inheritdoc/>
    public byte[] SaveState() => [];

    /// <inheritdoc/>
    public void LoadState(byte[] state, string source) { }
}
