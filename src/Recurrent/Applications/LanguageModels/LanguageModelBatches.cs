// LanguageModelBatches: the language model's batch source for the fit loop — char-rnn's contiguous windows. The
// training stream is cut into B contiguous streams read in windows of T (ContiguousBatcher); each window is one
// update, and the hidden state is carried into the next window (truncated BPTT), reset at every epoch start and
// after a skipped window (whose state may hold the same non-finite values). The carried state is this source's
// checkpoint state. Shapes: inputs and targets (T,B) token ids. Its activation probe (the training statistics) is the
// first ≤8 streams of epoch 0's first window (its first ≤32 steps), run through the stack from a zero state: the
// carried state is untouched. When its engine has a Reducer (data parallelism), this rank reads only its B/N streams of
// the B-stream layout (ContiguousBatcher's share), and carries only their state; the ranks together train on exactly
// the single-process batch. Shapes are then (T,B/N). Its checkpoint state is still the whole (L,B,H) carried state
// (CarriedStateShards gathers it, so SaveState is then a collective call) and LoadState takes this rank's rows of it.
// Its dropout masks are then its streams' rows of the whole batch's (SequenceModel.DropoutRows, DropoutShare).
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>Contiguous next-token windows with the hidden state carried between them.</summary>
internal sealed class LanguageModelBatches : IBatchSource, IActivationProbe
{
    private readonly SequenceModel<float> _model;
    private readonly Trainer<float> _trainer;
    private readonly ContiguousBatcher _batcher;
    private readonly int[] _inputs, _targets; // (T,B)
    private readonly int _ranks;              // processes sharing each batch (1: a single process)
    private readonly IGradientReducer? _reducer;
    private readonly DropoutShare? _dropoutRows;  // this rank's rows of every batch (null: a single process)
    private int[]? _probe;                    // (T_p,B_p) the activation probe's tokens, T_p ≤ 32, B_p ≤ 8

    public LanguageModelBatches(SequenceModel<float> model, StepEngine<float> engine, TokenStream train, int batch, int sequenceLength)
    {
        _model = model;
        _trainer = new Trainer<float>(model, engine);
        _reducer = engine.Reducer;
        _ranks = engine.Reducer?.Size ?? 1;
        _batcher = new ContiguousBatcher(train, batch, sequenceLength, engine.Reducer?.Rank ?? 0, engine.Reducer?.Size ?? 1);
        Carried = new CarriedState(model, _batcher.BatchSize);
        _inputs = new int[_batcher.WindowSize];
        _targets = new int[_batcher.WindowSize];
        // This rank's streams, r·B/N .. (r+1)·B/N − 1, are its rows of the whole batch's dropout masks.
        if (_ranks > 1) _dropoutRows = new DropoutShare(engine.Reducer!.Rank * _batcher.BatchSize, _batcher.BatchSize * _ranks, sequenceLength);
    }

    /// <summary>The state carried between windows; evaluation and sampling put it back after using the model.</summary>
    public CarriedState Carried { get; }

    /// <summary>Windows trained by this object, skipped ones included (fault-injection hook numbering).</summary>
    public long Attempts { get; private set; }

    public long BatchesPerEpoch => _batcher.WindowsPerEpoch;
    public long Position => _batcher.Position;
    // The global batch's tokens (every rank's share), so throughput and items seen read as for one process.
    public long ItemsPerBatch => (long)_batcher.WindowSize * _ranks;

    public void Seek(int epoch, long position)
    {
        _batcher.Position = position;
        if (position == 0) _model.ResetState();
    }

    public StepResult TrainNext()
    {
        _batcher.Next(_inputs, _targets);
        Attempts++;
        _model.DropoutRows = _dropoutRows;
        return _trainer.Train(_inputs, _targets, _batcher.SequenceLength, _batcher.BatchSize);
    }

    public IReadOnlyList<ProbedActivation> Probe()
    {
        int t = _batcher.SequenceLength, b = _batcher.BatchSize, rows = Math.Min(b, IActivationProbe.MaxRows);
        int steps = Math.Min(t, IActivationProbe.MaxSteps);
        if (_probe is null)
        {
            // Window 0 of every epoch (the streams are not shuffled), read without moving the batcher.
            var inputs = new int[t * b];
            _batcher.Window(0, inputs, new int[t * b]);
            _probe = new int[steps * rows];
            for (int s = 0; s < steps; s++) inputs.AsSpan(s * b, rows).CopyTo(_probe.AsSpan(s * rows, rows));
        }
        return _model.ProbeActivations(_probe, steps, rows);
    }

    public void AfterStep(bool applied)
    {
        if (applied) _model.CarryState();
        else _model.ResetState();
    }

    public byte[] SaveState()
    {
        Carried.Capture(_model);
        float[] hs = Carried.H.ToArray(), cs = Carried.C.ToArray();
        if (_ranks > 1)
        {
            int hidden = _model.Config.HiddenSize;
            hs = CarriedStateShards.Gather(_reducer!, hs, _batcher.BatchSize, hidden);
            cs = CarriedStateShards.Gather(_reducer!, cs, _batcher.BatchSize, hidden);
        }
        byte[] h = FloatBytes.ToBytes(hs), c = FloatBytes.ToBytes(cs);
        var state = new byte[4 + h.Length + c.Length];
        BitConverter.TryWriteBytes(state, h.Length);
        h.CopyTo(state, 4);
        c.CopyTo(state, 4 + h.Length);
        return state;
    }

    public void LoadState(byte[] state, string source)
    {
        int h = state.Length >= 4 ? BitConverter.ToInt32(state, 0) : -1;
        if (h < 0 || h > state.Length - 4)
            throw new InvalidDataException($"'{source}': the carried state in the training state is incomplete.");
        float[] hs = FloatBytes.ToFloats(state.AsSpan(4, h)), cs = FloatBytes.ToFloats(state.AsSpan(4 + h));
        if (_ranks > 1 && hs.Length == Carried.H.Length * _ranks && cs.Length == Carried.C.Length * _ranks)
        {
            int hidden = _model.Config.HiddenSize, local = _batcher.BatchSize, rank = _reducer!.Rank;
            (hs, cs) = (CarriedStateShards.Slice(hs, rank, local, local * _ranks, hidden), CarriedStateShards.Slice(cs, rank, local, local * _ranks, hidden));
        }
        Carried.Load(hs, cs, source);
        Carried.Restore(_model);
    }
}
