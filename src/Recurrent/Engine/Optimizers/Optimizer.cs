// Optimizer.cs — the base of every optimizer: one in-place update over the model's flat parameter and
// gradient buffers, and the named flat state buffers (moments) that a checkpoint saves.
// It does not own the parameters or find them: the model hands over its flat buffers on every step.
using System.Numerics;

namespace Recurrent.Optimizers;

/// <summary>
/// An optimizer over one flat parameter buffer: every update is one loop over the parameters, their gradients
/// and the optimizer's state buffers (one flat buffer per moment, sized <see cref="ParameterCount"/>).
/// </summary>
/// <typeparam name="T">The element type of parameters, gradients and state.</typeparam>
/// <remarks>
/// The update rules follow the PyTorch <c>torch.optim</c> pages with the same names. State buffers are allocated
/// once in the constructor; <see cref="Step"/> does not allocate.
/// </remarks>
public abstract class Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates an optimizer for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">The length of the flat parameter and gradient buffers; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is negative.</exception>
    protected Optimizer(int parameterCount)
    {
        ArgumentChecks.NonNegative(parameterCount);
        ParameterCount = parameterCount;
    }

    /// <summary>The length of the parameter and gradient buffers this optimizer updates.</summary>
    public int ParameterCount { get; }

    /// <summary>The number of <see cref="Step"/> calls made since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; protected set; }

    /// <summary>
    /// The named flat state buffers (for example <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>, <c>"momentum_buffer"</c>,
    /// <c>"sum"</c>, <c>"square_avg"</c>, the names of the PyTorch optimizer state), each of length
    /// <see cref="ParameterCount"/>. The arrays are the live buffers, so a checkpoint can be saved from them and
    /// loaded into them. <see cref="StepCount"/> is kept separately.
    /// </summary>
    public abstract IReadOnlyList<KeyValuePair<string, T[]>> State { get; }

    /// <summary>Applies one update to <paramref name="parameters"/> in place and increments <see cref="StepCount"/>.</summary>
    /// <param name="parameters">The flat parameter buffer, of length <see cref="ParameterCount"/>; updated in place.</param>
    /// <param name="gradients">The gradients of the loss with respect to <paramref name="parameters"/>, same length.</param>
    /// <param name="learningRate">The learning rate for this step; finite and zero or more.</param>
    /// <exception cref="ArgumentException">A buffer length differs from <see cref="ParameterCount"/>, or
    /// <paramref name="learningRate"/> is negative or not finite.</exception>
    public abstract void Step(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate);

    /// <summary>
    /// Sets <see cref="StepCount"/> when resuming from a checkpoint (after loading <see cref="State"/>), so
    /// bias corrections such as Adam's continue where they stopped. A wrapping optimizer overrides it to restore the
    /// optimizer it wraps too.
    /// </summary>
    public virtual void RestoreStepCount(long stepCount)
    {
        if (stepCount < 0) throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, "The step count cannot be negative.");
        StepCount = stepCount;
    }

    /// <summary>Zeroes every state buffer and sets <see cref="StepCount"/> to zero, as for a fresh optimizer.</summary>
    public virtual void Reset()
    {
        foreach (KeyValuePair<string, T[]> buffer in State)
        {
            Array.Clear(buffer.Value);
        }

        StepCount = 0;
    }

    /// <summary>The checks every <see cref="Step"/> makes before it touches any buffer.</summary>
    private protected void ValidateStep(Span<T> parameters, ReadOnlySpan<T> gradients, double learningRate)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"parameters has length {parameters.Length}, but this optimizer was built for {ParameterCount} parameters.",
                nameof(parameters));
        }

        if (gradients.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"gradients has length {gradients.Length}, but this optimizer was built for {ParameterCount} parameters.",
                nameof(gradients));
        }

        ArgumentChecks.NonNegativeFinite(learningRate);
    }
}
