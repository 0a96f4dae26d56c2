// ActivationRegularization: AWD-LSTM's activation regularisation (AR) and temporal activation regularisation
// (TAR) (Merity, Keskar & Socher 2017, "Regularizing and Optimizing LSTM Language Models", §4.6), on the outputs
// h of the last recurrent layer — the (T,B,D·H) tensor RecurrentStack.Output, before any output dropout: AR and
// TAR both read it (AWD-LSTM applies AR to the dropped-out output and TAR to the undropped one; without
// ModelConfig.OutputDropout the two coincide, with it AR here is AWD-LSTM's without the mask).
//   AR  = α · mean over (t, b, j) of h[t,b,j]²
//   TAR = β · mean over (t ≥ 1, b, j) of (h[t,b,j] − h[t−1,b,j])²
// Means are over valid positions only: with per-row lengths, steps t ≥ length[b] are padding and are left out
// (and TAR pairs need both steps valid); TAR is 0 for a one-step window. The gradient is added into dh, the
// gradient of the loss with respect to that same tensor, before backward through the recurrent stack.
using System.Numerics;

namespace Recurrent.Training;

/// <summary>AR and TAR penalties on the last recurrent layer's outputs, and their gradients.</summary>
public static class ActivationRegularization
{
    /// <summary>
    /// Returns α·AR + β·TAR of <paramref name="h"/> (T,B,W) and adds its gradient into <paramref name="dh"/>
    /// (same shape; skipped when empty). <paramref name="lengths"/> (B): valid steps per row, empty = all T.
    /// </summary>
    public static double PenaltyAndGradient<T>(ReadOnlySpan<T> h, Span<T> dh, int steps, int batch, int width,
        double alpha, double beta, ReadOnlySpan<int> lengths = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(alpha >= 0 && double.IsFinite(alpha))) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "AR α must be finite and >= 0.");
        if (!(beta >= 0 && double.IsFinite(beta))) throw new ArgumentOutOfRangeException(nameof(beta), beta, "TAR β must be finite and >= 0.");
        if (h.Length != steps * batch * width)
            throw new ArgumentException($"h has {h.Length} values; expected T*B*W = {steps}*{batch}*{width}.", nameof(h));
        if (!dh.IsEmpty && dh.Length != h.Length)
            throw new ArgumentException($"dh has {dh.Length} values; expected {h.Length}.", nameof(dh));
        if (!lengths.IsEmpty && lengths.Length != batch)
            throw new ArgumentException($"lengths has {lengths.Length} values; expected one per row ({batch}).", nameof(lengths));
        double penalty = 0;
        long valid = 0, pairs = 0;
        for (int b = 0; b < batch; b++)
        {
            int len = lengths.IsEmpty ? steps : lengths[b];
            valid += len;
            pairs += Math.Max(len - 1, 0);
        }
        if (alpha > 0 && valid > 0)
        {
            double n = (double)valid * width, sum = 0;
            T scale = T.CreateChecked(2 * alpha / n);
            for (int t = 0; t < steps; t++)
                for (int b = 0; b < batch; b++)
                {
                    if (!lengths.IsEmpty && t >= lengths[b]) continue;
                    int o = (t * batch + b) * width;
                    for (int j = 0; j < width; j++)
                    {
                        T v = h[o + j];
                        double d = double.CreateChecked(v);
                        sum += d * d;
                        if (!dh.IsEmpty) dh[o + j] += scale * v;
                    }
                }
            penalty += alpha * sum / n;
        }
        if (beta > 0 && pairs > 0)
        {
            double m = (double)pairs * width, sum = 0;
            T scale = T.CreateChecked(2 * beta / m);
            for (int t = 1; t < steps; t++)
                for (int b = 0; b < batch; b++)
                {
                    if (!lengths.IsEmpty && t >= lengths[b]) continue;
                    int o = (t * batch + b) * width, p = ((t - 1) * batch + b) * width;
                    for (int j = 0; j < width; j++)
                    {
                        T diff = h[o + j] - h[p + j];
                        double d = double.CreateChecked(diff);
                        sum += d * d;
                        if (!dh.IsEmpty)
                        {
                            T g = scale * diff;
                            dh[o + j] += g;
                            dh[p + j] -= g;
                        }
                    }
                }
            penalty += beta * sum / m;
        }
        return penalty;
    }
}
