// ForecastWindows: the batch source of forecasting for the fit loop — the training windows of a ForecastSeries
// (of every series it holds) in batches of B, each trained on the scaled values its WindowCodec makes: with MSE
// for a point forecast (Trainer.TrainRegression), with the pinball loss over the spec's quantiles otherwise
// (Trainer.TrainQuantiles). The head is linear. Each epoch's order is a shuffle made from the seed and the epoch
// number alone, so (epoch, position) says exactly which batch comes next and a resumed run sees the batches an
// uninterrupted one would. Every window starts from a zero state; nothing is carried between batches. The last
// batch of an epoch may be smaller. Its activation probe (the training statistics) is the first ≤8 training windows,
// in their stored order, run through the stack in inference mode.
// When its engine has a Reducer (data parallelism) every rank makes the same epoch order and trains on its contiguous
// share of each batch's windows (GradientReduction.Share). Both losses are means over windows × outputs and report the
// windows as their count, and every window has the same outputs, so the engine's weighting by counts makes the step
// the single-process step over the whole batch. A rank whose share of a short last batch is empty still joins the
// sums, with nothing counted. ItemsPerBatch is the whole batch's (windows × window steps), as one process counts it.
// Shapes: inputs (W, B, F) time-major, targets (B, H·C_target); outputs (B, H·C_target·Q).
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Training;

namespace Recurrent.Forecasting;

/// <summary>Shuffled batches of forecast windows, trained with MSE or the pinball loss.</summary>
public sealed class ForecastWindows : IBatchSource, IActivationProbe
{
    private readonly SequenceModel<float> _model;
    private readonly Trainer<float> _trainer;
    private readonly ForecastSeries _series;
    private readonly int _batchSize;
    private readonly ulong _seed;
    private readonly double[]? _quantiles;
    private readonly float[] _inputs, _targets;
    private ForecastWindowRef[] _order = [];
    private int _orderEpoch = -1;
    private float[]? _probe;             // (W, B_p, F) the first ≤8 training windows, for the activation probe
    private readonly StepEngine<float> _engine;
    private readonly int _rank, _ranks;  // this process's share of each batch (0 of 1: all of it)

    /// <summary>
    /// Batches of <paramref name="batchSize"/> training windows of <paramref name="series"/> for
    /// <paramref name="model"/> (dense inputs, last-step head of H·C_target·Q outputs), finished by <paramref name="engine"/>.
    /// With a reducer on the engine, this rank trains its share of each batch; <paramref name="batchSize"/> is the
    /// global batch and must be a multiple of the ranks.
    /// </summary>
    public ForecastWindows(SequenceModel<float> model, StepEngine<float> engine, ForecastSeries series, int batchSize, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(series);
        if (batchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {batchSize}.", nameof(batchSize));
        var spec = series.Spec;
        Forecaster.CheckFits(model, spec);
        _model = model;
        _trainer = new Trainer<float>(model, engine);
        _engine = engine;
        (_rank, _ranks) = (engine.Reducer?.Rank ?? 0, engine.Reducer?.Size ?? 1);
        if (batchSize % _ranks != 0)
            throw new ArgumentException($"BatchSize {batchSize} cannot be split evenly over {_ranks} processes; use a multiple of {_ranks}.", "BatchSize");
        _series = series;
        _batchSize = batchSize;
        _seed = seed;
        _quantiles = spec.Quantiles?.ToArray();
        _inputs = new float[spec.Window * batchSize * spec.FeatureCount];
        _targets = new float[batchSize * spec.Horizon * spec.Targets.Count];
        BatchesPerEpoch = (series.Train.Count + batchSize - 1) / batchSize;
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
            _order = _series.Train.ToArray();
            Shuffling.Shuffle<ForecastWindowRef>(_order, new Rng(unchecked(_seed ^ 0xD1B54A32D192ED03UL ^ ((ulong)(uint)epoch * 0x9E3779B97F4A7C15UL))));
            _orderEpoch = epoch;
        }
        Position = position;
    }

    /// <inheritdoc/>
    public StepResult TrainNext()
    {
        int at = (int)Position++ * _batchSize, b = Math.Min(_batchSize, _order.Length - at);
        var spec = _series.Spec;
        int w = spec.Window;
        ItemsPerBatch = (long)b * w;
        if (_ranks > 1)
        {
            var (first, count) = GradientReduction.Share(b, _rank, _ranks);
            (at, b) = (at + first, count);
            if (count == 0)
            {
                _model.Parameters.ZeroGradients();
                return _engine.Update(0, 0);
            }
        }
        Span<float> x = _inputs.AsSpan(0, w * b * spec.FeatureCount), y = _targets.AsSpan(0, b * spec.Horizon * spec.Targets.Count);
        _series.Fill(_order.AsSpan(at, b), x, y);
        _model.ResetState();
        return _quantiles is null
            ? _trainer.TrainRegression(x, y, ReadOnlySpan<float>.Empty, w, b)
            : _trainer.TrainQuantiles(x, y, _quantiles, w, b);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ProbedActivation> Probe()
    {
        var spec = _series.Spec;
        int rows = Math.Min(_series.Train.Count, IActivationProbe.MaxRows);
        if (_probe is null)
        {
            ForecastWindowRef[] first = _series.Train.Take(rows).ToArray();
            _probe = new float[spec.Window * rows * spec.FeatureCount];
            _series.Fill(first, _probe, new float[rows * spec.Horizon * spec.Targets.Count]);
        }
        return _model.ProbeActivations(_probe, spec.Window, rows);
    }

    /// <inheritdoc/>
    public void AfterStep(bool applied) { }

    /// <inheritdoc/>
    public byte[] SaveState() => [];

    /// <inheritdoc/>
    public void LoadState(byte[] state, string source) { }
}
