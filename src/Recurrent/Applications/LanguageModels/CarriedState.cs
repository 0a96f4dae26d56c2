// CarriedState: a copy of the hidden (and LSTM cell) state a model carries between training windows.
// Evaluation and sampling run the same model with other batch sizes, which replaces the model's state
// buffers; the trainer captures the training state before and puts it back after.
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.LanguageModels;

internal sealed class CarriedState
{
    private readonly int _batch;
    private readonly float[] _h;  // (L,B,H)
    private readonly float[] _c;  // (L,B,H) LSTM only, else empty

    public CarriedState(SequenceModel<float> model, int batch)
    {
        _batch = batch;
        int n = model.Stack.StateSize(batch);
        _h = new float[n];
        _c = model.Config.Cell.HasCellState() ? new float[n] : [];
    }

    public ReadOnlySpan<float> H => _h;
    public ReadOnlySpan<float> C => _c;

    /// <summary>Copies the model's current initial state for the training batch.</summary>
    public void Capture(SequenceModel<float> model)
    {
        model.InitialH(_batch).CopyTo(_h);
        if (_c.Length > 0) model.InitialC(_batch).CopyTo(_c);
    }

    /// <summary>Makes the captured state the model's initial state for the training batch.</summary>
    public void Restore(SequenceModel<float> model)
    {
        _h.CopyTo(model.InitialH(_batch));
        if (_c.Length > 0) _c.CopyTo(model.InitialC(_batch));
    }

    /// <summary>Loads saved values (from a checkpoint) into the copy; lengths must match.</summary>
    public void Load(float[] h, float[] c, string source)
    {
        if (h.Length != _h.Length || c.Length != _c.Length)
            throw new InvalidDataException(
                $"'{source}': the carried state has {h.Length}+{c.Length} values; this model and batch size need {_h.Length}+{_c.Length}.");
        h.CopyTo(_h, 0);
        c.CopyTo(_c, 0);
    }
}
