// ITrainableModel: what the fit loop needs of any model — its one flat store of parameters and gradients (the
// step engine updates it, checkpoints save it, best-weight restore copies it) and the generator its dropout
// masks come from (saved in checkpoints so a resumed run draws the same masks). SequenceModel, the seq2seq
// encoder–decoder and the one-to-many generator implement it; each has its own forward and backward, which its
// batch source (Training/IBatchSource) calls.
using System.Numerics;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>A model the fit loop can train: parameters, gradients and the dropout generator.</summary>
public interface ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>All parameters and their gradients, in one flat store.</summary>
    ParameterStore<T> Parameters { get; }

    /// <summary>The generator of dropout masks (a model without dropout still has one; it is never drawn from).</summary>
    Rng DropoutRng { get; }
}
