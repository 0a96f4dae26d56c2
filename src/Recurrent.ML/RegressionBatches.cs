// RegressionBatches: the batch source of a SequenceRegressor for the fit loop — numeric sequences (standardised,
// T·F step-major) of different lengths in padded batches with per-row lengths, so padding never changes a result,
// trained with mean squared error on the standardised targets (Trainer.TrainRegressionPadded: the last-step head
// reads each row at its own last step). Each epoch's order is a shuffle made from the seed and the epoch number
// alone, so (epoch, position) says which batch comes next and the run is reproducible.
using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Supervised;
using Recurrent.Training;

namespace Recurrent.ML;

internal sealed class RegressionBatches : IBatchSource
{
    private readonly Trainer<float> _trainer;
    private readonly IReadOnlyList<SequenceExample> _examples;
    private readonly float[] _targets;  // (N) standardised target of each example
    private readonly int _batchSize, _featuresPerStep;
    private readonly ulong _seed;
    private readonly PaddedBatch _batch = new();
    private float[] _batchTargets = [];
    private int[] _order = [];
    private int _orderEpoch = -1;

    public RegressionBatches(SequenceModel<float> model, StepEngine<float> engine, IReadOnlyList<SequenceExample> examples, float[] targets, int batchSize, ulong seed)
    {
        if (examples.Count == 0) throw new ArgumentException("There are no training examples.", nameof(examples));
        if (targets.Length != examples.Count) throw new ArgumentException($"{targets.Length} targets for {examples.Count} examples.", nameof(targets));
        _trainer = new Trainer<float>(model, engine);
        _examples = examples;
        _targets = targets;
        _batchSize = batchSize;
        _featuresPerStep = model.Config.InputSize;
        _seed = seed;
        BatchesPerEpoch = (examples.Count + batchSize - 1) / batchSize;
    }

    public long BatchesPerEpoch { get; }
    public long Position { get; private set; }
    public long ItemsPerBatch { get; private set; }

    public void Seek(int epoch, long position)
    {
        if (position < 0 || position > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position must be in [0, {BatchesPerEpoch}].");
        if (epoch != _orderEpoch)
        {
            _order = Enumerable.Range(0, _examples.Count).ToArray();
            Shuffling.Shuffle<int>(_order, new Rng(unchecked(_seed ^ 0x5E6E ^ ((ulong)(uint)epoch * 0x9E3779B97F4A7C15UL))));
            _orderEpoch = epoch;
        }
        Position = position;
    }

    public StepResult TrainNext()
    {
        int start = (int)Position++ * _batchSize;
        ReadOnlySpan<int> indices = _order.AsSpan(start, Math.Min(_batchSize, _examples.Count - start));
        _batch.Fill(_examples, indices, _featuresPerStep, perStep: false);
        if (_batchTargets.Length < indices.Length) _batchTargets = new float[indices.Length];
        for (int b = 0; b < indices.Length; b++) _batchTargets[b] = _targets[indices[b]];  // (B, 1)
        long items = 0;
        foreach (int length in _batch.Lengths) items += length;
        ItemsPerBatch = items;
        return _trainer.TrainRegressionPadded(_batch.Features, _batch.Lengths, _batchTargets.AsSpan(0, indices.Length), _batch.Steps, _batch.Batch);
    }

    public void AfterStep(bool applied) { }
    public byte[] SaveState() => [];
    public void LoadState(byte[] state, string source) { }
}
