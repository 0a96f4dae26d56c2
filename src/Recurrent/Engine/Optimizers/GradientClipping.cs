// GradientClipping.cs — gradient clipping over a flat gradient buffer: element-wise by value, or by global L2 norm.
// Matches torch.nn.utils.clip_grad_value_ and clip_grad_norm_ (L2). Not an optimizer: call it before Step.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Optimizers;

/// <summary>Gradient clipping over a flat gradient buffer, in place.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Clamps each gradient to [−<paramref name="limit"/>, <paramref name="limit"/>], as
    /// <c>torch.nn.utils.clip_grad_value_</c> and the <c>np.clip(dparam, -5, 5)</c> of min-char-rnn
    /// (char-rnn's <c>grad_clip</c> is the same, also 5). NaN gradients stay NaN.
    /// </summary>
    /// <typeparam name="T">The element type of the gradients.</typeparam>
    /// <param name="gradients">The flat gradient buffer; clipped in place.</param>
    /// <param name="limit">The largest magnitude kept; zero or more (positive infinity clips nothing).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative or NaN.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void ClipByValue<T>(Span<T> gradients, double limit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(limit >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be >= 0, but was {limit}.");
        }

        T high = T.CreateChecked(limit);
        T low = -high;
        for (int i = 0; i < gradients.Length; i++)
        {
            T g = gradients[i];
            if (g > high)
            {
                gradients[i] = high;
            }
            else if (g < low)
            {
                gradients[i] = low;
            }
        }
    }

    /// <summary>The L2 norm of all gradients, <c>sqrt(Σ g²)</c>, accumulated in double precision in index order.</summary>
    /// <typeparam name="T">The element type of the gradients.</typeparam>
    /// <param name="gradients">The flat gradient buffer.</param>
    /// <returns>The global L2 norm; NaN or infinity when a gradient is.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static double GlobalNorm<T>(ReadOnlySpan<T> gradients) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sumOfSquares = 0;
        for (int i = 0; i < gradients.Length; i++)
        {
            double g = double.CreateChecked(gradients[i]);
            sumOfSquares += g * g;
        }

        return Math.Sqrt(sumOfSquares);
    }

    /// <summary>
    /// Rescales the gradients so that their global L2 norm is at most about <paramref name="maxNorm"/>, as
    /// <c>torch.nn.utils.clip_grad_norm_</c> (https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html):
    /// with <c>norm = </c><see cref="GlobalNorm{T}(ReadOnlySpan{T})"/> and <c>c = maxNorm / (norm + 1e-6)</c>,
    /// every gradient is multiplied by <c>c</c> when <c>c &lt; 1</c>; otherwise nothing changes.
    /// </summary>
    /// <typeparam name="T">The element type of the gradients.</typeparam>
    /// <param name="gradients">The flat gradient buffer; rescaled in place.</param>
    /// <param name="maxNorm">The largest global norm kept; zero or more (positive infinity clips nothing).</param>
    /// <returns>The global norm before clipping. A NaN norm gives a NaN <c>c</c> and nothing is scaled; an
    /// infinite norm gives <c>c = 0</c>, which turns infinite gradients into NaN, as in PyTorch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative or NaN.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static double ClipByGlobalNorm<T>(Span<T> gradients, double maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxNorm >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm must be >= 0, but was {maxNorm}.");
        }

        double norm = GlobalNorm<T>(gradients);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
        {
            T c = T.CreateChecked(coefficient);
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] *= c;
            }
        }

        return norm;
    }
}
