// InitializersTests.cs — every initialisation scheme checked by the property that defines it
// (orthogonality, identity, bounds, variance), GateBlocks applying a scheme per gate block, and the
// initialisation a SequenceModel performs (forget-gate bias, IRNN identity, seed determinism).
// Statistical bounds are about 5 standard errors of the estimate, over tens of thousands of samples.
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;

namespace Recurrent.Tests.Initialization;

public class InitializersTests
{
    /// <summary>Max |(W·Wᵀ or Wᵀ·W) - gain²·I| over the Gram matrix of the shorter side, in double.</summary>
    private static double OrthogonalityError(ReadOnlySpan<float> w, int rows, int cols, double gain)
    {
        bool rowsOrthonormal = rows <= cols;
        int n = rowsOrthonormal ? rows : cols, len = rowsOrthonormal ? cols : rows;
        double At(ReadOnlySpan<float> m, int vector, int index) =>
            rowsOrthonormal ? m[vector * cols + index] : m[index * cols + vector];
        double worst = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int p = 0; p < len; p++) dot += At(w, i, p) * At(w, j, p);
                worst = Math.Max(worst, Math.Abs(dot - (i == j ? gain * gain : 0)));
            }
        return worst;
    }

    [Theory]
    [InlineData(8, 8, 1.0)]
    [InlineData(16, 16, 2.5)]
    [InlineData(5, 12, 1.0)]   // wide: orthonormal rows
    [InlineData(1, 7, 1.0)]
    [InlineData(12, 5, 1.0)]   // tall: orthonormal columns
    [InlineData(7, 1, 0.5)]
    [InlineData(40, 9, 1.0)]
    public void Orthogonal_GramIsGainSquaredIdentity(int rows, int cols, double gain)
    {
        var w = new float[rows * cols + 4];
        w.AsSpan(rows * cols).Fill(123f);
        Initializers.Orthogonal<float>(w, rows, cols, gain, new Rng(3));
        Assert.True(OrthogonalityError(w, rows, cols, gain) <= 1e-5 * Math.Max(1, gain * gain),
            $"({rows},{cols}) gain {gain}: error {OrthogonalityError(w, rows, cols, gain):E2}");
        Assert.All(w[(rows * cols)..], v => Assert.Equal(123f, v));
    }

    [Theory]
    [InlineData(48, 48)]
    [InlineData(20, 50)]
    [InlineData(50, 20)]
    public void Orthogonal_Double_GramIsIdentityTo1e12(int rows, int cols)
    {
        var w = new double[rows * cols];
        Initializers.Orthogonal<double>(w, rows, cols, 1.0, new Rng(5));
        bool rowsOrthonormal = rows <= cols;
        int n = Math.Min(rows, cols), len = Math.Max(rows, cols);
        double worst = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int p = 0; p < len; p++)
                    dot += rowsOrthonormal ? w[i * cols + p] * w[j * cols + p] : w[p * cols + i] * w[p * cols + j];
                worst = Math.Max(worst, Math.Abs(dot - (i == j ? 1 : 0)));
            }
        Assert.True(worst <= 1e-12, $"({rows},{cols}) double: error {worst:E2}");
    }

    [Fact]
    public void Orthogonal_Square_BothProductsAreIdentity_AndNotTrivial()
    {
        const int n = 10;
        var w = new float[n * n];
        Initializers.Orthogonal<float>(w, n, n, 1.0, new Rng(4));
        Assert.True(OrthogonalityError(w, n, n, 1.0) <= 1e-5);
        // Qᵀ·Q as well (a square matrix with orthonormal rows also has orthonormal columns).
        var transposed = new float[n * n];
        for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) transposed[c * n + r] = w[r * n + c];
        Assert.True(OrthogonalityError(transposed, n, n, 1.0) <= 1e-5);
        // A random rotation, not a permutation of ±I.
        Assert.True(w.Count(v => Math.Abs(v) > 1e-3 && Math.Abs(Math.Abs(v) - 1) > 1e-3) > n * n / 2);
    }

    [Fact]
    public void Orthogonal_DifferentSeedsDiffer()
    {
        var a = new float[36];
        var b = new float[36];
        Initializers.Orthogonal<float>(a, 6, 6, 1.0, new Rng(1));
        Initializers.Orthogonal<float>(b, 6, 6, 1.0, new Rng(2));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(5, 1.0)]
    [InlineData(6, 0.25)]
    public void Identity_IsGainTimesI_AndOverwritesTheBlock(int n, double gain)
    {
        var w = new double[n * n + 3];
        Array.Fill(w, 9.0);
        Initializers.Identity<double>(w, n, gain);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                Assert.Equal(r == c ? gain : 0.0, w[r * n + c]);
        Assert.All(w[(n * n)..], v => Assert.Equal(9.0, v));
    }

    [Fact]
    public void XavierUniform_BoundsAndVariance()
    {
        const int rows = 200, cols = 300;
        var w = new float[rows * cols];
        Initializers.XavierUniform<float>(w, rows, cols, new Rng(10));
        double bound = Math.Sqrt(6.0 / (rows + cols));
        Assert.All(w, v => Assert.True(Math.Abs(v) <= bound, $"{v} outside ±{bound}"));
        double mean = w.Average(v => (double)v), variance = w.Average(v => (double)v * v) - mean * mean;
        double expected = 2.0 / (rows + cols);
        Assert.InRange(mean, -0.005 * bound, 0.005 * bound);                   // se = 0.0024·bound
        Assert.InRange(variance / expected, 1 - 0.02, 1 + 0.02);              // se = 0.0037
        Assert.True(w.Max() > 0.99 * bound && w.Min() < -0.99 * bound, "samples do not reach the bounds");
    }

    [Fact]
    public void XavierNormal_Std()
    {
        const int rows = 150, cols = 250;
        var w = new double[rows * cols];
        Initializers.XavierNormal<double>(w, rows, cols, new Rng(11));
        double mean = w.Average(), variance = w.Average(v => v * v) - mean * mean;
        double std = Math.Sqrt(2.0 / (rows + cols));
        Assert.InRange(mean, -0.03 * std, 0.03 * std);                        // se = 0.0054·std
        Assert.InRange(Math.Sqrt(variance) / std, 1 - 0.02, 1 + 0.02);        // se = 0.0037
        Assert.True(w.Max(Math.Abs) > 3 * std, "no tail samples: not a normal distribution");
    }

    [Fact]
    public void Normal_Std()
    {
        var w = new float[50_000];
        Initializers.Normal<float>(w, 0.3, new Rng(12));
        double mean = w.Average(v => (double)v), variance = w.Average(v => (double)v * v) - mean * mean;
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(Math.Sqrt(variance), 0.3 * 0.98, 0.3 * 1.02);
    }

    [Fact]
    public void Uniform_WithinBounds_AndCoversThem()
    {
        var w = new float[50_000];
        Initializers.Uniform<float>(w, -0.3, 0.7, new Rng(13));
        Assert.All(w, v => Assert.InRange(v, -0.3f, 0.7f));
        Assert.InRange(w.Average(v => (double)v), 0.2 - 0.007, 0.2 + 0.007); // se = 0.0013
        Assert.True(w.Min() < -0.29f && w.Max() > 0.69f);
    }

    // ---- GateBlocks ----

    [Fact]
    public void GateBlocks_Orthogonal_IsPerGateBlock()
    {
        const int h = 6, gates = 4;
        var w = new float[gates * h * h];
        Initializers.GateBlocks<float>(w, gates, h, h, WeightInit.Orthogonal, 0.08, 1.5, 0.1, new Rng(20));
        for (int g = 0; g < gates; g++)
        {
            var block = w.AsSpan(g * h * h, h * h);
            Assert.True(OrthogonalityError(block, h, h, 1.5) <= 1e-5 * 2.25, $"gate block {g} is not gain·orthogonal");
        }
        // The whole (4H, H) matrix is not one orthogonal matrix: its columns have squared norm 4·gain², not gain².
        Assert.True(OrthogonalityError(w, gates * h, h, 1.5) > 1);
        // Each block draws fresh randomness.
        Assert.NotEqual(w[..(h * h)], w[(h * h)..(2 * h * h)]);
    }

    [Fact]
    public void GateBlocks_Identity_IsPerGateBlock()
    {
        const int h = 5, gates = 3;
        var w = new double[gates * h * h];
        Array.Fill(w, 7.0);
        Initializers.GateBlocks<double>(w, gates, h, h, WeightInit.Identity, 0.08, 0.5, 0.1, new Rng(21));
        for (int g = 0; g < gates; g++)
            for (int r = 0; r < h; r++)
                for (int c = 0; c < h; c++)
                    Assert.Equal(r == c ? 0.5 : 0.0, w[g * h * h + r * h + c]);
    }

    [Fact]
    public void GateBlocks_XavierUniform_UsesPerBlockFans()
    {
        const int h = 64, cols = 32, gates = 4;
        var w = new float[gates * h * cols];
        Initializers.GateBlocks<float>(w, gates, h, cols, WeightInit.XavierUniform, 0.08, 1.0, 0.1, new Rng(22));
        double perBlock = Math.Sqrt(6.0 / (h + cols)), wholeMatrix = Math.Sqrt(6.0 / (gates * h + cols));
        Assert.All(w, v => Assert.True(Math.Abs(v) <= perBlock));
        // Samples exceed the bound a whole-matrix fan would give: fans are per block.
        Assert.True(w.Max(Math.Abs) > 0.98 * perBlock && w.Max(Math.Abs) > 1.5 * wholeMatrix);
    }

    [Theory]
    [InlineData(WeightInit.Uniform, 0.08)]
    [InlineData(WeightInit.PyTorchDefault, 0.125)]
    public void GateBlocks_UniformSchemes_UseTheirRange(WeightInit scheme, double expectedBound)
    {
        const int h = 16, cols = 10, gates = 3;
        var w = new float[gates * h * cols];
        Initializers.GateBlocks<float>(w, gates, h, cols, scheme, 0.08, 1.0, 0.125, new Rng(23));
        Assert.All(w, v => Assert.True(Math.Abs(v) <= expectedBound));
        Assert.True(w.Max(Math.Abs) > 0.9 * expectedBound);
    }

    [Fact]
    public void GateBlocks_Zeros_ClearsEverything()
    {
        var w = new float[2 * 3 * 4];
        Array.Fill(w, 5f);
        Initializers.GateBlocks<float>(w, 2, 3, 4, WeightInit.Zeros, 0.08, 1.0, 0.1, new Rng(24));
        Assert.All(w, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void GateBlocks_IdentityOnNonSquare_Throws()
    {
        var w = new float[4 * 3 * 5];
        var ex = Assert.Throws<ArgumentException>(() =>
            Initializers.GateBlocks<float>(w, 4, 3, 5, WeightInit.Identity, 0.08, 1.0, 0.1, new Rng(25)));
        Assert.Equal("scheme", ex.ParamName);
        Assert.Contains("(3, 5)", ex.Message);
    }

    // ---- through SequenceModel ----

    private static ModelConfig Config(CellKind cell) => new()
    {
        Input = InputKind.Embedding,
        InputSize = 11,
        Cell = cell,
        HiddenSize = 6,
        Layers = 2,
        Bidirectional = true,
        OutputSize = 5,
    };

    [Fact]
    public void Model_LstmForgetGateBias_InBiasIhOnly()
    {
        // PyTorchDefault makes the other bias slices random, so the forget slices stand out.
        var config = Config(CellKind.Lstm) with { ForgetGateBias = 1.0, WeightInit = WeightInit.PyTorchDefault };
        var model = new SequenceModel<float>(config, seed: 5);
        int h = config.HiddenSize, checkedDirections = 0;
        foreach (string suffix in new[] { "l0", "l0_reverse", "l1", "l1_reverse" })
        {
            var ih = model.Parameters.Value(model.Parameters["rnn.bias_ih_" + suffix]);
            var hh = model.Parameters.Value(model.Parameters["rnn.bias_hh_" + suffix]);
            Assert.Equal(4 * h, ih.Length);
            for (int j = h; j < 2 * h; j++)
            {
                Assert.Equal(1f, ih[j]);
                Assert.Equal(0f, hh[j]);
            }
            // The other gates keep the scheme's random bias.
            Assert.Contains(ih[..h].ToArray(), v => v != 0f);
            Assert.Contains(hh[(2 * h)..].ToArray(), v => v != 0f);
            checkedDirections++;
        }
        Assert.Equal(4, checkedDirections);
    }

    [Fact]
    public void Model_IrnnRecurrentWeightsAreIdentity()
    {
        var config = Config(CellKind.RnnRelu) with { RecurrentInit = WeightInit.Identity };
        var model = new SequenceModel<float>(config, seed: 6);
        int h = config.HiddenSize;
        foreach (string suffix in new[] { "l0", "l0_reverse", "l1", "l1_reverse" })
        {
            var whh = model.Parameters.Value(model.Parameters["rnn.weight_hh_" + suffix]);
            Assert.Equal(h * h, whh.Length);
            for (int r = 0; r < h; r++)
                for (int c = 0; c < h; c++)
                    Assert.Equal(r == c ? 1f : 0f, whh[r * h + c]);
        }
    }

    [Fact]
    public void Model_SameSeedBitIdentical_DifferentSeedsDiffer()
    {
        var config = Config(CellKind.Gru);
        float[] a = new SequenceModel<float>(config, seed: 123).Parameters.Values;
        float[] b = new SequenceModel<float>(config, seed: 123).Parameters.Values;
        float[] c = new SequenceModel<float>(config, seed: 124).Parameters.Values;
        Assert.Equal(a.Select(BitConverter.SingleToInt32Bits), b.Select(BitConverter.SingleToInt32Bits));
        Assert.NotEqual(a, c);
        Assert.True(a.Zip(c).Count(p => p.First != p.Second) > a.Length / 2, "different seeds should change most weights");
    }
}
