// LabelledBatches: the batch source of classification, tagging and sequence regression for the fit loop — labelled sequences of
// different lengths in bucketed, padded batches with per-row lengths (so padding never changes a result). Each
// epoch's order is made from the seed and the epoch number alone: the examples are shuffled, cut into pools of 16
// batches, each pool sorted by length and cut into batches (sequences of similar length, little padding, in a
// random mix), and the batch order shuffled. So (epoch, position) says exactly which batch comes next, and a
// resumed run sees the batches an uninterrupted one would. Cross-entropy over the counted targets: (B) for a
// last-step head, (T,B) with −1 at padding for a per-step head; or, given one number per example (regression: a
// last-step head of one output on dense inputs), mean squared error on those (B) numbers. Its activation probe (the training statistics) is the
// first ≤8 training examples in one padded batch, run through the stack in inference mode.
// When its engine has a Reducer (data parallelism) every rank makes the same epoch order and trains on its contiguous
// share of each batch's examples (GradientReduction.Share); the engine weights the ranks' losses by their counted
// targets, so the step is the single-process step over the whole batch. A rank whose share of a short last batch is
// empty still joins the sums, with nothing counted. Its dropout masks are its rows of the whole batch's
// (SequenceModel.DropoutRows, DropoutShare), so the ranks train the one-process step with dropout too.
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Training;

namespace Recurrent.Supervised;

/// <summary>Bucketed padded batches of labelled sequences, trained with cross-entropy (classes) or mean squared error (numbers).</summary>
public sealed class LabelledBatches : IBatchSource, IActivationProbe
{
    private const int PoolBatches = 16;
    private readonly SequenceModel<float> _model;
    private readonly Trainer<float> _trainer;
    private readonly IReadOnlyList<SequenceExample> _examples;
    private readonly int _batchSize, _featuresPerStep;
    private readonly bool _perStep;
    private readonly ulong _seed;
    private readonly float[]? _numbers;  // (N) each example's regression target, or null: class targets
    private float[] _batchNumbers = [];  // (B) the batch's regression targets
    private readonly PaddedBatch _batch = new();
    private PaddedBatch? _probe;     // the first ≤8 examples, for the activation probe
    private List<int[]> _order = [];
    private int _orderEpoch = -1;
    private readonly StepEngine<float> _engine;
    private readonly int _rank, _ranks;  // this process's share of each batch (0 of 1: all of it)

    /// <summary>
    /// Batches of <paramref name="batchSize"/> of <paramref name="examples"/> for <paramref name="model"/>, finished by
    /// <paramref name="engine"/>. With <paramref name="regressionTargets"/> (one number per example, in example order)
    /// the examples' class targets are ignored and each step minimises the mean squared error of the model's one
    /// last-step output against those numbers; the model must then read dense features.
    /// </summary>
    public LabelledBatches(SequenceModel<float> model, StepEngine<float> engine, IReadOnlyList<SequenceExample> examples, int batchSize, ulong seed,
        IReadOnlyList<float>? regressionTargets = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("There are no training examples.", nameof(examples));
        if (batchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {batchSize}.", nameof(batchSize));
        _model = model;
        _trainer = new Trainer<float>(model, engine);
        _engine = engine;
        (_rank, _ranks) = (engine.Reducer?.Rank ?? 0, engine.Reducer?.Size ?? 1);
        if (batchSize % _ranks != 0)
            throw new ArgumentException($"BatchSize {batchSize} cannot be split evenly over {_ranks} processes; use a multiple of {_ranks}.", "BatchSize");
        _examples = examples;
        _batchSize = batchSize;
        _featuresPerStep = model.Config.Input == InputKind.Dense ? model.Config.InputSize : 0;
        _perStep = model.Config.Head == HeadKind.PerStep;
        _seed = seed;
        if (regressionTargets is not null)
        {
            if (regressionTargets.Count != examples.Count)
                throw new ArgumentException($"{regressionTargets.Count} regression targets for {examples.Count} examples.", nameof(regressionTargets));
            if (_featuresPerStep == 0 || _perStep || model.Config.OutputSize != 1)
                throw new ArgumentException("Regression needs a model with dense inputs and a last-step head of one output.", nameof(regressionTargets));
            _numbers = [.. regressionTargets];
        }
        BatchesPerEpoch = (examples.Count + batchSize - 1) / batchSize;
    }

    /// <inheritdoc/>
    public long BatchesPerEpoch { get; }
    /// <inheritdoc/>
    public long Position { get; private set; }
    /// <inheritdoc/>
    public long ItemsPerBatch { get; private set; }

    /// <inheritdoc/>
    public void Seek(int epoch, long position)
    {
        if (position < 0 || position > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position must be in [0, {BatchesPerEpoch}].");
        if (epoch != _orderEpoch)
        {
            _order = EpochOrder(epoch);
            _orderEpoch = epoch;
        }
        Position = position;
    }

    /// <inheritdoc/>
    public StepResult TrainNext()
    {
        ReadOnlySpan<int> indices = _order[(int)Position++];
        if (_ranks == 1) return Train(indices);
        // This rank's share, and its rows of the whole batch's dropout masks (steps: the whole batch's longest sequence).
        var (first, count) = GradientReduction.Share(indices.Length, _rank, _ranks);
        int steps = 0, fs = Math.Max(_featuresPerStep, 1);
        foreach (int i in indices) steps = Math.Max(steps, _examples[i].Steps(fs));
        _model.DropoutRows = new DropoutShare(first, indices.Length, steps);
        StepResult result;
        if (count > 0) result = Train(indices.Slice(first, count));
        else
        {
            ItemsPerBatch = 0;
            _model.Parameters.ZeroGradients();
            result = _engine.Update(0, 0);
        }
        // A batch of fewer examples than ranks leaves some rank without a forward, so without its dropout draws: every
        // rank takes the dropout generator of the last rank, which always has examples (the one-process generator).
        if (indices.Length < _ranks)
        {
            var (a, b, c, d) = _model.DropoutRng.State;
            Span<ulong> state = [a, b, c, d];
            GradientReduction.FromRank(_engine.Reducer, state, _ranks - 1);
            _model.DropoutRng.Restore((state[0], state[1], state[2], state[3]));
        }
        return result;
    }

    // Forward, loss, backward and the engine's update over the examples at indices (this rank's share).
    private StepResult Train(ReadOnlySpan<int> indices)
    {
        _batch.Fill(_examples, indices, _featuresPerStep, _perStep);
        long items = 0;
        foreach (int length in _batch.Lengths) items += length;
        ItemsPerBatch = items;
        if (_numbers is not null)
        {
            if (_batchNumbers.Length < indices.Length) _batchNumbers = new float[indices.Length];
            for (int b = 0; b < indices.Length; b++) _batchNumbers[b] = _numbers[indices[b]];
            return _trainer.TrainRegressionPadded(_batch.Features, _batch.Lengths, _batchNumbers.AsSpan(0, indices.Length), _batch.Steps, _batch.Batch);
        }
        return _featuresPerStep == 0
            ? _trainer.TrainPadded(_batch.Tokens, _batch.Lengths, _batch.Targets, _batch.Steps, _batch.Batch)
            : _trainer.TrainPadded(_batch.Features, _batch.Lengths, _batch.Targets, _batch.Steps, _batch.Batch);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ProbedActivation> Probe()
    {
        if (_probe is null)
        {
            _probe = new PaddedBatch();
            int[] first = Enumerable.Range(0, Math.Min(_examples.Count, IActivationProbe.MaxRows)).ToArray();
            _probe.Fill(_examples, first, _featuresPerStep, _perStep);
        }
        return _featuresPerStep == 0
            ? _model.ProbeActivations(_probe.Tokens, _probe.Steps, _probe.Batch, _probe.Lengths)
            : _model.ProbeActivations(_probe.Features, _probe.Steps, _probe.Batch, _probe.Lengths);
    }

    /// <inheritdoc/>
    public void AfterStep(bool applied) { }

    /// <inheritdoc/>
    public byte[] SaveState() => [];

    /// <inheritdoc/>
    public void LoadState(byte[] state, string source) { }

    // One epoch's batches: shuffle, pool, sort each pool by length, cut, shuffle the batch order.
    private List<int[]> EpochOrder(int epoch)
    {
        var rng = new Rng(unchecked(_seed ^ 0x7EA1 ^ ((ulong)(uint)epoch * 0x9E3779B97F4A7C15UL)));
        int[] order = Enumerable.Range(0, _examples.Count).ToArray();
        Shuffling.Shuffle<int>(order, rng);
        var batches = new List<int[]>();
        int pool = _batchSize * PoolBatches, fs = Math.Max(_featuresPerStep, 1);
        for (int start = 0; start < order.Length; start += pool)
        {
            int[] chunk = order.AsSpan(start, Math.Min(pool, order.Length - start)).ToArray();
            int[] keys = chunk.Select(i => _examples[i].Steps(fs)).ToArray();
            Array.Sort(keys, chunk); // introsort is not stable, but keys and chunk are deterministic
            for (int b = 0; b < chunk.Length; b += _batchSize)
                batches.Add(chunk.AsSpan(b, Math.Min(_batchSize, chunk.Length - b)).ToArray());
        }
        int[] batchOrder = Enumerable.Range(0, batches.Count).ToArray();
        Shuffling.Shuffle<int>(batchOrder, rng);
        return batchOrder.Select(i => batches[i]).ToList();
    }
}
