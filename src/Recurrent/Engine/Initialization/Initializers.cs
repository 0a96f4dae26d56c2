// Initializers: fill a parameter slice according to a scheme, drawing from the model's Rng.
// Gate-stacked matrices (G*H, In) are treated as G blocks of (H, In): fans, orthogonality and identity
// are per gate block, as Keras' recurrent initialisers and common LSTM practice do.
using System.Numerics;
using Recurrent.Randomness;

namespace Recurrent.Initialization;

/// <summary>Weight initialisation routines over flat row-major spans.</summary>
public static class Initializers
{
    /// <summary>U(low, high) for every element.</summary>
    public static void Uniform<T>(Span<T> w, double low, double high, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < w.Length; i++) w[i] = T.CreateChecked(rng.Uniform(low, high));
    }

    /// <summary>N(0, std²) for every element.</summary>
    public static void Normal<T>(Span<T> w, double std, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < w.Length; i++) w[i] = T.CreateChecked(std * rng.NextGaussian());
    }

    /// <summary>Glorot uniform for a (rows, cols) block: U(±√(6/(rows+cols))).</summary>
    public static void XavierUniform<T>(Span<T> w, int rows, int cols, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double a = Math.Sqrt(6.0 / (rows + cols));
        Uniform(w.Slice(0, rows * cols), -a, a, rng);
    }

    /// <summary>Glorot normal for a (rows, cols) block: N(0, 2/(rows+cols)).</summary>
    public static void XavierNormal<T>(Span<T> w, int rows, int cols, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Normal(w.Slice(0, rows * cols), Math.Sqrt(2.0 / (rows + cols)), rng);
    }

    /// <summary>
    /// A (rows, cols) matrix with orthonormal rows (rows ≤ cols) or columns (rows ≥ cols), times gain:
    /// Gram–Schmidt (twice, for stability) on a Gaussian matrix, in double precision.
    /// </summary>
    public static void Orthogonal<T>(Span<T> w, int rows, int cols, double gain, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Orthonormalise the vectors along the longer side's count: work on the transpose when rows > cols.
        bool transpose = rows > cols;
        int n = transpose ? cols : rows, len = transpose ? rows : cols;
        var v = new double[n, len];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < len; j++) v[i, j] = rng.NextGaussian();
        for (int i = 0; i < n; i++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < i; p++)
                {
                    double dot = 0;
                    for (int j = 0; j < len; j++) dot += v[i, j] * v[p, j];
                    for (int j = 0; j < len; j++) v[i, j] -= dot * v[p, j];
                }
            double norm = 0;
            for (int j = 0; j < len; j++) norm += v[i, j] * v[i, j];
            norm = Math.Sqrt(norm);
            for (int j = 0; j < len; j++) v[i, j] /= norm;
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                w[r * cols + c] = T.CreateChecked(gain * (transpose ? v[c, r] : v[r, c]));
    }

    /// <summary>gain · I for a (n, n) block.</summary>
    public static void Identity<T>(Span<T> w, int n, double gain) where T : unmanaged, IFloatingPointIeee754<T>
    {
        w.Slice(0, n * n).Clear();
        for (int i = 0; i < n; i++) w[i * n + i] = T.CreateChecked(gain);
    }

    /// <summary>
    /// Initialises a gate-stacked matrix (gates*H, cols) block by block with <paramref name="scheme"/>.
    /// <paramref name="defaultRange"/> is the bound used by <see cref="WeightInit.PyTorchDefault"/>.
    /// </summary>
    public static void GateBlocks<T>(Span<T> w, int gates, int hidden, int cols, WeightInit scheme, double uniformRange,
        double gain, double defaultRange, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int block = hidden * cols;
        for (int g = 0; g < gates; g++)
        {
            Span<T> b = w.Slice(g * block, block);
            switch (scheme)
            {
                case WeightInit.PyTorchDefault: Uniform(b, -defaultRange, defaultRange, rng); break;
                case WeightInit.XavierUniform: XavierUniform(b, hidden, cols, rng); break;
                case WeightInit.XavierNormal: XavierNormal(b, hidden, cols, rng); break;
                case WeightInit.Uniform: Uniform(b, -uniformRange, uniformRange, rng); break;
                case WeightInit.Orthogonal: Orthogonal(b, hidden, cols, gain, rng); break;
                case WeightInit.Identity:
                    if (hidden != cols)
                        throw new ArgumentException($"Identity initialisation needs square blocks; got ({hidden}, {cols}). Use it for recurrent weights.", nameof(scheme));
                    Identity(b, hidden, gain);
                    break;
                case WeightInit.Zeros: b.Clear(); break;
                default: throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown initialisation scheme.");
            }
        }
    }
}
