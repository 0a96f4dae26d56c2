// Seq2SeqBatches: the encoder–decoder's batch source for the fit loop. Each epoch the training pairs are shuffled
// from the seed and the epoch number alone (Data/EpochOrder) and cut into batches; a batch (Seq2SeqData.MakeBatch:
// sources (T_s,B), teacher-forced decoder inputs and targets (T_d,B)) runs forward, its softmax cross-entropy over
// the counted target positions (padding ignored) and backward through decoder and encoder, and the shared
// StepEngine finishes the step. No state is carried between batches, so (epoch, position) is all a resume needs.
// Its activation probe (the training statistics) is the first ≤8 training pairs as one batch, run in inference mode.
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>Shuffled batches of source/target pairs, trained with teacher forcing and cross-entropy.</summary>
public sealed class Seq2SeqBatches : IBatchSource, IActivationProbe
{
    private readonly Seq2SeqModel<float> _model;
    private readonly Seq2SeqVocabulary _vocabulary;
    private readonly IReadOnlyList<Seq2SeqPair> _pairs;
    private readonly EpochOrder _order;
    private readonly TeacherForcedLoss _loss;
    private Seq2SeqBatch? _probe;        // the first ≤8 pairs, for the activation probe

    /// <summary>
    /// Batches of <paramref name="batchSize"/> of <paramref name="pairs"/> for <paramref name="model"/>, finished by
    /// <paramref name="engine"/>. Throws ArgumentException naming the first pair the model cannot read (a character
    /// outside <paramref name="vocabulary"/>, or a source longer than the model's SourceLength).
    /// </summary>
    public Seq2SeqBatches(Seq2SeqModel<float> model, StepEngine<float> engine, Seq2SeqVocabulary vocabulary,
        IReadOnlyList<Seq2SeqPair> pairs, int batchSize, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(pairs);
        if (!ReferenceEquals(engine.Parameters, model.Parameters))
            throw new ArgumentException("The step engine trains another model's parameters.", nameof(engine));
        if (vocabulary.Size != model.Config.Vocabulary)
            throw new ArgumentException($"The vocabulary has {vocabulary.Size} tokens but the model {model.Config.Vocabulary}.", nameof(vocabulary));
        if (pairs.Count == 0) throw new ArgumentException("There are no training pairs.", nameof(pairs));
        Seq2SeqTraining.CheckReadable(model.Config, vocabulary, pairs, "training", nameof(pairs));
        _model = model;
        _loss = new TeacherForcedLoss(engine, model.Config.Vocabulary);
        _vocabulary = vocabulary;
        _pairs = pairs;
        _order = new EpochOrder(pairs.Count, batchSize, seed);
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
        Seq2SeqBatch batch = Seq2SeqData.MakeBatch(_vocabulary, _model.Config, _pairs, _order.Next());
        ReadOnlySpan<float> logits = _model.Forward(batch.Source, batch.SourceSteps, batch.DecoderInput, batch.DecoderSteps, batch.Batch, training: true);
        StepResult result = _loss.Finish(logits, batch.Targets, _model.Backward);
        ItemsPerBatch = _loss.Counted;
        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ProbedActivation> Probe()
    {
        _probe ??= Seq2SeqData.MakeBatch(_vocabulary, _model.Config, _pairs,
            Enumerable.Range(0, Math.Min(_pairs.Count, IActivationProbe.MaxRows)).ToArray());
        return _model.ProbeActivations(_probe);
    }

    /// <inheritdoc/>
    public void AfterStep(bool applied) { }

    /// <inheritdoc/>
    public byte[] SaveState() => [];

    /// <inheritdoc/>
    public void LoadState(byte[] state, string source) { }
}
