// SgemmValidationTests: Sgemm's entry points (the layer that Gemm.Multiply dispatches floats to) reject bad
// dimensions, strides, too-short spans, unknown operations and an output overlapping an input with an
// ArgumentException naming the parameter and the bad value; PackedMatrix.Pack and the public benchmark likewise.
using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

[Collection(SgemmCollection.Name)]
public class SgemmValidationTests
{
    private static readonly float[] A = new float[6 * 4], B = new float[4 * 5], C = new float[6 * 5];

    private static ArgumentException Throws(Action call, string param)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(param, e.ParamName);
        return e;
    }

    [Fact]
    public void Multiply_ValidArguments_DoNotThrow()
    {
        Sgemm.Multiply(Op.None, Op.None, 6, 5, 4, A, 4, B, 5, C, 5, false);
        Sgemm.Multiply(Op.Transpose, Op.Transpose, 6, 5, 4, new float[4 * 6], 6, new float[5 * 4], 4, C, 5, true);
        Sgemm.Multiply(Op.None, Op.None, 0, 0, 0, [], 1, [], 1, [], 1, false);
    }

    [Fact]
    public void Multiply_NegativeDimensions_Throw()
    {
        Assert.Contains("-1", Throws(() => Sgemm.Multiply(Op.None, Op.None, -1, 5, 4, A, 4, B, 5, C, 5, false), "m").Message);
        Assert.Contains("-2", Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, -2, 4, A, 4, B, 5, C, 5, false), "n").Message);
        Assert.Contains("-3", Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, 5, -3, A, 4, B, 5, C, 5, false), "k").Message);
    }

    [Fact]
    public void Multiply_StridesBelowTheWidth_Throw()
    {
        Assert.Contains("3", Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, 5, 4, A, 3, B, 5, C, 5, false), "lda").Message);
        // Transposed A is stored (K,M): its stride must cover M = 6.
        Throws(() => Sgemm.Multiply(Op.Transpose, Op.None, 6, 5, 4, A, 4, B, 5, C, 5, false), "lda");
        Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, 5, 4, A, 4, B, 4, C, 5, false), "ldb");
        Throws(() => Sgemm.Multiply(Op.None, Op.Transpose, 6, 5, 4, A, 4, B, 3, C, 5, false), "ldb");
        Assert.Contains("4", Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, 5, 4, A, 4, B, 5, C, 4, false), "ldc").Message);
    }

    [Fact]
    public void Multiply_SpansTooShort_Throw()
    {
        Assert.Contains("23", Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, 5, 4, A.AsSpan(1), 4, B, 5, C, 5, false), "a").Message);
        Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, 5, 4, A, 4, B.AsSpan(0, 19), 5, C, 5, false), "b");
        Throws(() => Sgemm.Multiply(Op.None, Op.None, 6, 5, 4, A, 4, B, 5, C.AsSpan(0, 29), 5, false), "c");
        // A padded stride needs (rows-1)·ld + width elements, not rows·ld.
        Sgemm.Multiply(Op.None, Op.None, 2, 2, 2, new float[7], 5, new float[4], 2, new float[4], 2, false);
    }

    [Fact]
    public void Multiply_UnknownOp_Throws()
    {
        Throws(() => Sgemm.Multiply((Op)7, Op.None, 6, 5, 4, A, 4, B, 5, C, 5, false), "a");
        Throws(() => Sgemm.Multiply(Op.None, (Op)(-1), 6, 5, 4, A, 4, B, 5, C, 5, false), "b");
    }

    [Fact]
    public void Multiply_OutputOverlappingAnInput_Throws()
    {
        var shared = new float[100];
        Throws(() => Sgemm.Multiply(Op.None, Op.None, 3, 3, 3, shared, 3, B, 5, shared.AsSpan(5), 3, false), "c");
        Throws(() => Sgemm.Multiply(Op.None, Op.None, 3, 3, 3, A, 4, shared, 3, shared.AsSpan(8), 3, false), "c");
        // Only the logical extents count: C right after A's last element of the same buffer is fine.
        Sgemm.Multiply(Op.None, Op.None, 3, 3, 3, shared, 3, B, 5, shared.AsSpan(9), 3, false);
    }

    [Fact]
    public void PackedOverloadAndPack_Validate()
    {
        var packed = new PackedMatrix(Op.None, 4, 5, B, 5);
        Throws(() => Sgemm.Multiply(Op.None, -1, A, 4, packed, C, 5, false), "m");
        Throws(() => Sgemm.Multiply(Op.None, 6, A, 3, packed, C, 5, false), "lda");
        Throws(() => Sgemm.Multiply(Op.None, 6, A, 4, packed, C.AsSpan(0, 20), 5, false), "c");
        Assert.Throws<ArgumentNullException>("b", () => Sgemm.Multiply(Op.None, 6, A, 4, null!, C, 5, false));
        Throws(() => packed.Pack(Op.None, -4, 5, B, 5), "k");
        Throws(() => packed.Pack(Op.None, 4, -5, B, 5), "n");
        Throws(() => packed.Pack(Op.None, 4, 5, B, 4), "ldb");
        Throws(() => packed.Pack(Op.Transpose, 4, 5, B.AsSpan(0, 18), 4), "b");
    }

    [Fact]
    public void Benchmark_ValidatesAndMeasures()
    {
        Throws(() => GemmBenchmark.GigaflopsPerSecond(0, 8, 8, 1, 1), "m");
        Throws(() => GemmBenchmark.GigaflopsPerSecond(8, 0, 8, 1, 1), "n");
        Throws(() => GemmBenchmark.GigaflopsPerSecond(8, 8, 0, 1, 1), "k");
        Throws(() => GemmBenchmark.GigaflopsPerSecond(8, 8, 8, 0, 1), "threads");
        Throws(() => GemmBenchmark.GigaflopsPerSecond(8, 8, 8, Environment.ProcessorCount + 1, 1), "threads");
        Throws(() => GemmBenchmark.GigaflopsPerSecond(8, 8, 8, 1, 0), "repetitions");
        double g = GemmBenchmark.GigaflopsPerSecond(16, 16, 16, 1, 3);
        Assert.True(g > 0 && double.IsFinite(g), $"GFLOP/s = {g}");
    }
}
