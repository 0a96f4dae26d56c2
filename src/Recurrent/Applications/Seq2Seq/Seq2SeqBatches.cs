// Seq2SeqBatches: the encoder–decoder's batch source for the fit loop. Each epoch the training pairs are shuffled
// from the seed and the epoch number alone (Data/EpochOrder) and cut into batches; a batch (Seq2SeqData.MakeBatch:
// sources (T_s,B), teacher-forced decoder inputs and targets (T_d,B)) runs forward, its softmax cross-entropy over
// the counted target positions (padding ignored) and backward through decoder and encoder, and the shared
// StepEngine finishes the step. No state is carried between batches, so (epoch, position) is all a resume needs.
// Its activation probe (the training statistics) is the first ≤8 training pairs as one batch, run in inference mode.
// When its engine has a Reducer (data parallelism) every rank makes the same epoch order and trains on its contiguous
// share of each batch's pairs (GradientReduction.Share). The loss is a mean over the counted target tokens, and the
// engine weights the ranks by those counts, so the step is the single-process step over the whole batch: sources are
// padded to the model's fixed SourceLength, and a share's shorter decoder padding (T_d is its own longest target) only
// adds ignored positions after each row's end, which a left-to-right decoder never reads back. A rank whose share of a
// short last batch is empty still joins the sums, with nothing counted. ItemsPerBatch is the whole batch's tokens.
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
    private readonly StepEngine<float> _engine;
    private readonly int _rank, _ranks;  // this process's share of each batch (0 of 1: all of it)

    /// <summary>
    /// Batches of <paramref name="batchSize"/> of <paramref name="pairs"/> for <paramref name="model"/>, finished by
    /// <paramref name="engine"/>. Throws ArgumentException naming the first pair the model cannot read (a character
    /// outside <paramref name="vocabulary"/>, or a source longer than the model's SourceLength). With a reducer on the
    /// engine, this rank trains its share of each batch; <paramref name="batchSize"/> is the global batch and must be a
    /// multiple of the ranks.
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
        (_rank, _ranks) = (engine.Reducer?.Rank ?? 0, engine.Reducer?.Size ?? 1);
        if (batchSize % _ranks != 0)
            throw new ArgumentException($"BatchSize {batchSize} cannot be split evenly over {_ranks} processes; use a multiple of {_ranks}.", "BatchSize");
        _engine = engine;
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
        ReadOnlySpan<int> indices = _order.Next();
        StepResult result;
        if (_ranks > 1)
        {
            var (first, count) = GradientReduction.Share(indices.Length, _rank, _ranks);
            indices = indices.Slice(first, count);
            if (count == 0)
            {
                _model.Parameters.ZeroGradients();
                result = _engine.Update(0, 0);
                ItemsPerBatch = result.Counted;
                return result;
            }
        }
        Seq2SeqBatch batch = Seq2SeqData.MakeBatch(_vocabulary, _model.Config, _pairs, indices);
        ReadOnlySpan<float> logits = _model.Forward(batch.Source, batch.SourceSteps, batch.DecoderInput, batch.DecoderSteps, batch.Batch, training: true);
        result = _loss.Finish(logits, batch.Targets, _model.Backward);
        ItemsPerBatch = result.Counted; // the whole batch's counted tokens (summed over the ranks by the engine)
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
