// Packing: copies a block of A or B into the contiguous order the micro-kernels read, absorbing transposition
// (so all four op(A)·op(B) variants run the same kernels and no transposed copy is ever made).
//   A block (mc × kc) -> MR-row slivers: sliver at row ir holds kc groups of mr = min(MR, mc - ir) floats,
//                        group p = A(ir..ir+mr-1, p); it starts at ir·kc. The last sliver is mr rows wide (no zero
//                        rows: the driver runs the exact-rows kernel on it).
//   B block (kc × nc) -> NR-column slivers: sliver at column jr holds kc rows of NR floats, row p =
//                        B(p, jr..jr+NR-1), zero-padded past nc; it starts at jr·kc.
// Only logical elements are read; nothing here allocates. The two shapes of copy are "rows to rows" (the stored
// orientation already matches) and "rows to columns" (a transpose, done in 8 × 8 AVX / 4 × 4 SSE blocks).
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

internal static unsafe class Packing
{
    /// <summary>Packs op(A)[i0 : i0+mc, p0 : p0+kc] into MR-row slivers at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(Op opA, float* a, nint lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        Debug.Assert(mc >= 1 && kc >= 1 && mr >= 1);
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* d = dst + (nint)ir * kc;
            if (opA == Op.None) // A(i, p) = a[i·lda + p]: row i is contiguous in p
                RowsToColumns(a + (nint)(i0 + ir) * lda + p0, lda, rows, kc, rows, d);
            else                // A(i, p) = a[p·lda + i]: column p is contiguous in i
                RowsToRows(a + (nint)p0 * lda + i0 + ir, lda, kc, rows, rows, d);
        }
    }

    /// <summary>Packs op(B)[p0 : p0+kc, j0 : j0+nc] into NR-column slivers at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(Op opB, float* b, nint ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        Debug.Assert(nc >= 1 && kc >= 1 && nr >= 1);
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* d = dst + (nint)jr * kc;
            if (opB == Op.None) // B(p, j) = b[p·ldb + j]
                RowsToRows(b + (nint)p0 * ldb + j0 + jr, ldb, kc, cols, nr, d);
            else                // B(p, j) = b[j·ldb + p]
                RowsToColumns(b + (nint)(j0 + jr) * ldb + p0, ldb, cols, kc, nr, d);
        }
    }

    /// <summary>dst[r·stride + x] = src[r·ld + x] for x &lt; width, 0 for width ≤ x &lt; stride; r &lt; rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsToRows(float* src, nint ld, int rows, int width, int stride, float* dst)
    {
        if (width == stride && width == 32 && Vector256.IsHardwareAccelerated)
        {
            // A full 32-wide sliver (the AVX-512 NR): four vectors per row, no tails.
            for (int r = 0; r < rows; r++, src += ld, dst += 32)
            {
                Vector256.Store(Vector256.Load(src), dst);
                Vector256.Store(Vector256.Load(src + 8), dst + 8);
                Vector256.Store(Vector256.Load(src + 16), dst + 16);
                Vector256.Store(Vector256.Load(src + 24), dst + 24);
            }
            return;
        }
        for (int r = 0; r < rows; r++, src += ld, dst += stride)
        {
            int x = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; x <= width - 8; x += 8) Vector256.Store(Vector256.Load(src + x), dst + x);
            if (Vector128.IsHardwareAccelerated)
                for (; x <= width - 4; x += 4) Vector128.Store(Vector128.Load(src + x), dst + x);
            for (; x < width; x++) dst[x] = src[x];
            for (; x < stride; x++) dst[x] = 0;
        }
    }

    /// <summary>dst[p·stride + x] = src[x·ld + p] for x &lt; count, 0 for count ≤ x &lt; stride; p &lt; length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowsToColumns(float* src, nint ld, int count, int length, int stride, float* dst)
    {
        int x = 0;
        if (Avx.IsSupported)
            for (; x <= count - 8; x += 8) Transpose8(src + x * ld, ld, length, stride, dst + x);
        if (Sse.IsSupported)
            for (; x <= count - 4; x += 4) Transpose4(src + x * ld, ld, length, stride, dst + x);
        for (; x < count; x++)
        {
            float* s = src + x * ld;
            for (int p = 0; p < length; p++) dst[(nint)p * stride + x] = s[p];
        }
        if (count < stride)
            for (int p = 0; p < length; p++)
                new Span<float>(dst + (nint)p * stride + count, stride - count).Clear();
    }

    /// <summary>Eight source rows (stride ld) of <paramref name="length"/> floats into eight destination columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* src, nint ld, int length, int stride, float* dst)
    {
        int p = 0;
        for (; p <= length - 8; p += 8)
        {
            float* s = src + p;
            Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ld);
            Vector256<float> r2 = Avx.LoadVector256(s + 2 * ld), r3 = Avx.LoadVector256(s + 3 * ld);
            Vector256<float> r4 = Avx.LoadVector256(s + 4 * ld), r5 = Avx.LoadVector256(s + 5 * ld);
            Vector256<float> r6 = Avx.LoadVector256(s + 6 * ld), r7 = Avx.LoadVector256(s + 7 * ld);
            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
            float* d = dst + (nint)p * stride;
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + stride, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 2 * stride, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 3 * stride, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 4 * stride, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 5 * stride, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 6 * stride, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + 7 * stride, Avx.Permute2x128(u3, u7, 0x31));
        }
        for (; p < length; p++)
        {
            float* d = dst + (nint)p * stride;
            for (int x = 0; x < 8; x++) d[x] = src[x * ld + p];
        }
    }

    /// <summary>Four source rows (stride ld) of <paramref name="length"/> floats into four destination columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(float* src, nint ld, int length, int stride, float* dst)
    {
        int p = 0;
        for (; p <= length - 4; p += 4)
        {
            float* s = src + p;
            Vector128<float> r0 = Sse.LoadVector128(s), r1 = Sse.LoadVector128(s + ld);
            Vector128<float> r2 = Sse.LoadVector128(s + 2 * ld), r3 = Sse.LoadVector128(s + 3 * ld);
            Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
            Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
            float* d = dst + (nint)p * stride;
            Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
            Sse.Store(d + stride, Sse.MoveHighToLow(t1, t0));
            Sse.Store(d + 2 * stride, Sse.MoveLowToHigh(t2, t3));
            Sse.Store(d + 3 * stride, Sse.MoveHighToLow(t3, t2));
        }
        for (; p < length; p++)
        {
            float* d = dst + (nint)p * stride;
            for (int x = 0; x < 4; x++) d[x] = src[x * ld + p];
        }
    }
}
