// SgemmTestSupport: shared pieces of the Sgemm tests: strided matrices inside guarded buffers (padding and guards
// hold NaN in inputs and a sentinel in C, so reads of padding and writes outside the logical view both show up),
// the double-accumulating scalar reference, the list of kernels this machine can run, and a scope that forces one.
using System.Runtime.InteropServices;
using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

internal static class SgemmTestSupport
{
    public const int Guard = 7;      // elements before and after each view
    public const float Sentinel = -7777f;

    /// <summary>Every kernel this process can run (fewer under DOTNET_EnableAVX512F=0 and friends).</summary>
    public static IEnumerable<object[]> SupportedKernels() =>
        Enum.GetValues<SgemmKernelKind>().Where(MicroKernel.IsSupported).Select(k => new object[] { k.ToString() });

    public static SgemmKernelKind Kind(string name) => Enum.Parse<SgemmKernelKind>(name);

    public static Op ToOp(bool transposed) => transposed ? Op.Transpose : Op.None;

    /// <summary>Forces a kernel on this thread until disposed.</summary>
    public readonly struct KernelScope : IDisposable
    {
        private readonly SgemmKernelKind? _previous;
        public KernelScope(string kind) : this(Kind(kind)) { }
        public KernelScope(SgemmKernelKind kind)
        {
            _previous = Sgemm.ForcedKernel;
            Sgemm.ForcedKernel = kind;
        }
        public void Dispose() => Sgemm.ForcedKernel = _previous;
    }

    /// <summary>Until disposed, multi-threaded GEMMs started on this thread deal their units round-robin to every
    /// participant, so a two-thread call really splits the work (unless another GEMM holds the pool).</summary>
    public readonly struct SplitScope : IDisposable
    {
        private readonly bool _previous;
        public SplitScope()
        {
            _previous = Sgemm.SplitEvenly;
            Sgemm.SplitEvenly = true;
        }
        public void Dispose() => Sgemm.SplitEvenly = _previous;
    }

    /// <summary>A stored (rows, width) float matrix with row stride ld ≥ width at offset Guard in a larger buffer.</summary>
    public sealed class Matrix
    {
        public readonly float[] Buffer;
        public readonly int Rows, Width, Ld;

        public Matrix(int rows, int width, int pad, Random random, float fill)
        {
            Rows = rows;
            Width = width;
            Ld = Math.Max(width + pad, 1);
            Buffer = new float[Guard + rows * Ld + Guard];
            Array.Fill(Buffer, fill);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < width; c++)
                    Buffer[Guard + r * Ld + c] = (float)(random.NextDouble() * 2 - 1);
        }

        public float this[int r, int c] => Buffer[Guard + r * Ld + c];
        public Span<float> View => Buffer.AsSpan(Guard, Rows * Ld);
        public Matrix Clone() => new(this);

        private Matrix(Matrix other)
        {
            Rows = other.Rows;
            Width = other.Width;
            Ld = other.Ld;
            Buffer = (float[])other.Buffer.Clone();
        }

        public bool IsLogical(int index)
        {
            int i = index - Guard;
            return i >= 0 && i < Rows * Ld && i % Ld < Width;
        }
    }

    /// <summary>Random op(A) (m,k) and op(B) (k,n) stored with the given transposition and padding.</summary>
    public static (Matrix A, Matrix B) Operands(bool transA, bool transB, int m, int n, int k, int pad, Random random) =>
        (transA ? new Matrix(k, m, pad, random, float.NaN) : new Matrix(m, k, pad, random, float.NaN),
         transB ? new Matrix(n, k, pad, random, float.NaN) : new Matrix(k, n, pad, random, float.NaN));

    /// <summary>op(A)·op(B) summed in double, and Σ|a·b| per element (the scale of the rounding error).</summary>
    public static (double[] Product, double[] Magnitude) Reference(bool transA, bool transB, int m, int n, int k, Matrix a, Matrix b)
    {
        var product = new double[m * n];
        var magnitude = new double[m * n];
        var row = new double[k];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++) row[p] = transA ? a[p, i] : a[i, p];
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = row[p] * (transB ? b[j, p] : b[p, j]);
                    s += x;
                    mag += Math.Abs(x);
                }
                product[i * n + j] = s;
                magnitude[i * n + j] = mag;
            }
        }
        return (product, magnitude);
    }

    /// <summary>Fails unless C matches C0·[accumulate] + reference within 1e-5·√K of the magnitude, and nothing
    /// outside the logical (m,n) view of C changed.</summary>
    public static void AssertMatches(string what, Matrix c, Matrix c0, bool accumulate, int m, int n, int k,
        double[] product, double[] magnitude)
    {
        double scale = 1e-5 * Math.Sqrt(Math.Max(k, 1));
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double start = accumulate ? c0[i, j] : 0;
                double want = start + product[i * n + j];
                double got = c[i, j];
                double tol = scale * (magnitude[i * n + j] + Math.Abs(start)) + 1e-30;
                if (!(Math.Abs(got - want) <= tol))
                    Assert.Fail($"{what}: C[{i},{j}] = {got:R}, reference {want:R}, |diff| {Math.Abs(got - want):E3} > tol {tol:E3}");
            }
        for (int idx = 0; idx < c.Buffer.Length; idx++)
            if (!c.IsLogical(idx) && BitConverter.SingleToInt32Bits(c.Buffer[idx]) != BitConverter.SingleToInt32Bits(c0.Buffer[idx]))
                Assert.Fail($"{what}: C element {idx} outside the logical ({m},{n}) view changed from {c0.Buffer[idx]} to {c.Buffer[idx]}");
    }

    public static bool BitEqual(float[] x, float[] y) =>
        MemoryMarshal.AsBytes(x.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(y.AsSpan()));

    /// <summary>Index of the first differing element, for messages.</summary>
    public static int FirstDifference(float[] x, float[] y)
    {
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            if (BitConverter.SingleToInt32Bits(x[i]) != BitConverter.SingleToInt32Bits(y[i])) return i;
        return x.Length == y.Length ? -1 : Math.Min(x.Length, y.Length);
    }
}
