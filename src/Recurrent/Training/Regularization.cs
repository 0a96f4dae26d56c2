// Regularization: L1 and L2 penalties on weight parameters (not biases), added to the loss and its gradient.
// L2 is (λ2/2)·Σw², so its gradient λ2·w matches PyTorch's SGD weight_decay and DL4J's l2; L1 is λ1·Σ|w|
// with subgradient λ1·sign(w) (0 at 0).
using System.Numerics;
using Recurrent.Tensors;
using System.Runtime.CompilerServices;

namespace Recurrent.Training;

/// <summary>L1/L2 weight penalties over a <see cref="ParameterStore{T}"/>'s weight parameters.</summary>
public static class Regularization
{
    /// <summary>λ1·Σ|w| + (λ2/2)·Σw² over parameters whose role is <see cref="ParameterRole.Weight"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static double Penalty<T>(ParameterStore<T> store, double l1, double l2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(l1, l2);
        if (l1 == 0 && l2 == 0) return 0;
        double abs = 0, sq = 0;
        var parameters = store.Parameters;
        for (int k = 0; k < parameters.Count; k++) // indexed: a foreach over the interface would allocate
        {
            var p = parameters[k];
            if (p.Role != ParameterRole.Weight) continue;
            foreach (T v in store.Value(p))
            {
                double d = double.CreateChecked(v);
                abs += Math.Abs(d);
                sq += d * d;
            }
        }
        return l1 * abs + 0.5 * l2 * sq;
    }

    /// <summary>Adds λ1·sign(w) + λ2·w to the gradients of weight parameters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: compile optimised at once, not via tier 0
    public static void AddGradient<T>(ParameterStore<T> store, double l1, double l2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(l1, l2);
        if (l1 == 0 && l2 == 0) return;
        T a = T.CreateChecked(l1), b = T.CreateChecked(l2);
        var parameters = store.Parameters;
        for (int k = 0; k < parameters.Count; k++)
        {
            var p = parameters[k];
            if (p.Role != ParameterRole.Weight) continue;
            ReadOnlySpan<T> w = store.Value(p);
            Span<T> g = store.Gradient(p);
            for (int i = 0; i < w.Length; i++)
                g[i] += a * T.CreateChecked(T.Sign(w[i])) + b * w[i];
        }
    }

    private static void Check(double l1, double l2)
    {
        if (!(l1 >= 0 && double.IsFinite(l1))) throw new ArgumentException($"L1 strength must be finite and >= 0, got {l1}.", nameof(l1));
        if (!(l2 >= 0 && double.IsFinite(l2))) throw new ArgumentException($"L2 strength must be finite and >= 0, got {l2}.", nameof(l2));
    }
}
