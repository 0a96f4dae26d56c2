// Sgemm: the float32 GEMM driver in the BLIS structure, C (M,N) = op(A)·op(B) [+ C], row-major, same contract as
// Gemm.Multiply (which dispatches floats here). Loops, outermost first: NC columns of C (jc), KC depth (pc; a
// KC × NC block of B packed), MC rows (ic; an MC × KC block of A packed), then the macro-kernel's NR (jr) and MR
// (ir) tiles, one micro-kernel call each. When the rows fit one MC block (small M: the batch), each B sliver is
// packed just before use instead, so it never leaves L1; a PackedMatrix skips B packing altogether.
// Threads split the output, never K, in units handed out with Interlocked tickets (so a descheduled thread's share
// is taken over, not waited for): row blocks for tall problems, sharing a B buffer that all threads first pack
// together (all K rows of as many columns as fit), or column blocks for wide ones. Every element is the same
// fixed-order sum (KC blocks in order, each summed from zero in the kernel and then added to C), so results are
// bit-identical for any thread count and with or without PackedMatrix. Block sizes: BlockSizes.cs; kernels:
// MicroKernel.cs; packing: Packing.cs; threads: WorkerPool.cs. Arguments are validated here (ArgumentException
// naming the parameter); everything below uses Debug.Assert.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

internal static unsafe class Sgemm
{
    /// <summary>Problems with M·N·K below this run on the calling thread alone (synchronisation would dominate).</summary>
    internal const long MinParallelWork = 64 * 64 * 64;

    /// <summary>Units of work per thread when threads split rows (units share the packed B, so they are cheap) and
    /// columns (each column unit packs all of A: one per thread measured 5-8% faster than two for batch-sized M).</summary>
    private const int RowUnitsPerThread = 4, ColumnUnitsPerThread = 1;

    private static int s_threads = Environment.ProcessorCount;

    /// <summary>Threads one GEMM may use (the caller included): 1..Environment.ProcessorCount, default all.</summary>
    public static int Threads
    {
        get => s_threads;
        set
        {
            if (value < 1 || value > Environment.ProcessorCount)
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"Sgemm.Threads must be between 1 and Environment.ProcessorCount ({Environment.ProcessorCount}), got {value}.");
            s_threads = value;
        }
    }

    [ThreadStatic] private static int t_lastParticipants;

    /// <summary>Threads that ran part of the last GEMM started on this thread (diagnostics for tests).</summary>
    internal static int LastParticipants => t_lastParticipants;

    [ThreadStatic] private static bool t_splitEvenly;

    /// <summary>For GEMMs started on this thread: every participant starts, and participant i of T takes units
    /// i, i + T, ... instead of claiming them as it goes, so the work is split for certain (tests; production never
    /// waits for a worker that has not started).</summary>
    internal static bool SplitEvenly
    {
        get => t_splitEvenly;
        set => t_splitEvenly = value;
    }

    [ThreadStatic] private static int t_maxSharedColumns;

    /// <summary>Caps the columns of B that threads splitting rows pack and share at a time (0: as many as the buffer
    /// holds), for GEMMs started on this thread; lets tests run several shared column blocks on small problems.</summary>
    internal static int MaxSharedColumns
    {
        get => t_maxSharedColumns;
        set => t_maxSharedColumns = value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"MaxSharedColumns must be non-negative, got {value}.");
    }

    [ThreadStatic] private static SgemmKernelKind? t_forcedKernel;

    /// <summary>Forces the micro-kernel for GEMMs (and packs) started on this thread; null selects the widest supported.</summary>
    internal static SgemmKernelKind? ForcedKernel
    {
        get => t_forcedKernel;
        set
        {
            if (value is { } kind && !MicroKernel.IsSupported(kind))
                throw new ArgumentException($"The {kind} kernel is not supported on this machine/configuration.", nameof(value));
            t_forcedKernel = value;
        }
    }

    /// <summary>The kernel GEMMs on this thread use.</summary>
    internal static MicroKernel CurrentKernel => t_forcedKernel is { } kind ? MicroKernel.Get(kind) : MicroKernel.Best;

    /// <summary>
    /// C (M,N) = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/>. A is stored (M,K) with row
    /// stride lda when <paramref name="opA"/> is None, else (K,M); B is stored (K,N) with row stride ldb when
    /// <paramref name="opB"/> is None, else (N,K). Uses up to <see cref="Threads"/> threads.
    /// </summary>
    public static void Multiply(Op opA, Op opB, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate) =>
        Multiply(opA, opB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, s_threads);

    /// <summary><see cref="Multiply(Op, Op, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/>
    /// with an explicit thread limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled once: no tier-up work on the caller
    internal static void Multiply(Op opA, Op opB, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate, int threads)
    {
        CheckDimensions(m, n, k);
        ReadOnlySpan<float> aUsed = CheckOperand(opA, m, k, a, lda, nameof(a), nameof(lda));
        ReadOnlySpan<float> bUsed = CheckOperand(opB, k, n, b, ldb, nameof(b), nameof(ldb));
        CheckOutput(m, n, c, ldc, aUsed, bUsed);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) ClearOutput(m, n, c, ldc);
            return;
        }
        MicroKernel kernel = CurrentKernel;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new Job
            {
                Blocks = kernel.Blocks, Kernel = kernel, OpA = opA, OpB = opB, M = m, N = n, K = k,
                A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc, Accumulate = accumulate,
            };
            Run(ref job, threads);
        }
    }

    /// <summary>C (M,N) = op(A)·B, or C += op(A)·B, with B prepacked (see <see cref="PackedMatrix"/>); K and N are the
    /// packed matrix's. Bit-identical to the unpacked call with the same kernel.</summary>
    public static void Multiply(Op opA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc,
        bool accumulate) => Multiply(opA, m, a, lda, b, c, ldc, accumulate, s_threads);

    /// <summary>The prepacked overload with an explicit thread limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled once: no tier-up work on the caller
    internal static void Multiply(Op opA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc,
        bool accumulate, int threads)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.N, k = b.K;
        CheckDimensions(m, n, k);
        ReadOnlySpan<float> aUsed = CheckOperand(opA, m, k, a, lda, nameof(a), nameof(lda));
        CheckOutput(m, n, c, ldc, aUsed, ReadOnlySpan<float>.Empty);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) ClearOutput(m, n, c, ldc);
            return;
        }
        fixed (float* pa = a, pc = c)
        {
            var job = new Job
            {
                Blocks = b.Blocks, Kernel = b.Kernel, OpA = opA, OpB = b.Op, M = m, N = n, K = k,
                A = pa, Lda = lda, C = pc, Ldc = ldc, Accumulate = accumulate, PackedB = b.Data, PackedStride = b.PaddedN,
            };
            Run(ref job, threads);
        }
    }

    // ---- validation (the public-facing layer of this folder) ----

    private static void CheckDimensions(int m, int n, int k)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, $"M must be non-negative, got {m}.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, $"N must be non-negative, got {n}.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"K must be non-negative, got {k}.");
    }

    /// <summary>Checks a stored (rows, cols) operand, or (cols, rows) when transposed; returns its logical extent.</summary>
    internal static ReadOnlySpan<float> CheckOperand(Op op, int rows, int cols, ReadOnlySpan<float> x, int ld, string name, string ldName)
    {
        if (op != Op.None && op != Op.Transpose)
            throw new ArgumentOutOfRangeException(name, op, $"Unknown operation {op} for {name}.");
        int storedRows = op == Op.None ? rows : cols, width = op == Op.None ? cols : rows;
        if (ld < Math.Max(width, 1))
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"{ldName} must be at least the stored row width {Math.Max(width, 1)}, got {ld}.");
        long need = storedRows == 0 || width == 0 ? 0 : (long)(storedRows - 1) * ld + width;
        if (x.Length < need)
            throw new ArgumentException(
                $"{name} holds {x.Length} elements but a {(op == Op.None ? "" : "transposed ")}({storedRows},{width}) matrix with {ldName} = {ld} needs {need}.", name);
        return x[..(int)need];
    }

    private static void CheckOutput(int m, int n, Span<float> c, int ldc, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (ldc < Math.Max(n, 1))
            throw new ArgumentOutOfRangeException(nameof(ldc), ldc, $"ldc must be at least N = {Math.Max(n, 1)}, got {ldc}.");
        long need = m == 0 || n == 0 ? 0 : (long)(m - 1) * ldc + n;
        if (c.Length < need)
            throw new ArgumentException($"c holds {c.Length} elements but a ({m},{n}) matrix with ldc = {ldc} needs {need}.", nameof(c));
        ReadOnlySpan<float> cView = c[..(int)need];
        if (cView.Overlaps(a) || cView.Overlaps(b))
            throw new ArgumentException("c must not overlap a or b (their logical extents share memory).", nameof(c));
    }

    private static void ClearOutput(int m, int n, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
    }

    // ---- the driver ----

    /// <summary>One GEMM as the threads see it. Pointers stay valid because the caller holds them fixed until every
    /// participant has returned.</summary>
    private struct Job
    {
        public BlockSizes Blocks;
        public MicroKernel Kernel;
        public Op OpA, OpB;
        public int M, N, K;
        public float* A, B, C;
        public nint Lda, Ldb, Ldc;
        public bool Accumulate;
        public float* PackedB;      // whole op(B) prepacked: KC block at pc starts at pc·PackedStride, sliver jc at jc·kc
        public nint PackedStride;   // N rounded up to NR
        public bool SplitRows;      // threads take row blocks (sharing packed B) rather than column blocks
        public int Unit;            // rows (SplitRows) or columns per claimable unit of work
        public float* SharedB;      // the calling thread's B buffer, packed by all when SplitRows and B is not prepacked
        public int SharedColumns;   // columns of op(B) (all K of them) the shared buffer holds at a time
        public int NextTicket;      // work tickets handed out (Interlocked), see RunShared
        public int TicketsDone;     // work tickets finished (Interlocked)
        public int Participants;    // bit i set once participant i has run a unit (diagnostics)
        public bool SplitEvenly;    // tickets dealt round-robin (see Sgemm.SplitEvenly) instead of claimed
    }

    private static Job s_pooledJob; // the job of the pool's current Run (the pool runs one job at a time)

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled once: no tier-up work on the caller
    private static void Run(ref Job job, int threads)
    {
        int participants = PlanThreads(ref job, threads);
        if (participants > 1 && WorkerPool.TryEnter())
        {
            try
            {
                if (job.SplitRows && job.PackedB == null)
                {
                    Workspace ws = Workspace.Current;
                    ws.Ensure(job.Blocks);
                    job.SharedB = ws.B;
                    // All K rows of a column block at once: as many NR slivers as the KC × NC buffer holds.
                    BlockSizes bs = job.Blocks;
                    long columns = (long)bs.KC * bs.NC / job.K / bs.NR * bs.NR;
                    if (t_maxSharedColumns > 0) columns = Math.Min(columns, t_maxSharedColumns);
                    job.SharedColumns = (int)Math.Clamp(columns, bs.NR, (job.N + bs.NR - 1) / bs.NR * bs.NR);
                }
                job.SplitEvenly = t_splitEvenly;
                s_pooledJob = job;
                WorkerPool.Run(&RunPooled, participants, waitForWorkers: job.SplitEvenly);
                t_lastParticipants = BitOperations.PopCount((uint)s_pooledJob.Participants);
            }
            finally
            {
                s_pooledJob = default;
                WorkerPool.Exit();
            }
        }
        else
        {
            t_lastParticipants = 1;
            Workspace ws = Workspace.Current;
            ws.Ensure(job.Blocks);
            RunRange(ref job, 0, job.M, 0, job.N, job.PackedB, job.PackedStride, 0, ws);
        }
    }

    /// <summary>Chooses how many threads to use, whether they split rows or columns of C, and the unit of work.</summary>
    private static int PlanThreads(ref Job job, int threads)
    {
        if (threads <= 1 || (long)job.M * job.N * job.K < MinParallelWork) return 1;
        threads = Math.Min(threads, WorkerPool.MaxParticipants);
        BlockSizes bs = job.Blocks;
        int rowSlivers = (job.M + bs.MR - 1) / bs.MR;
        int colSlivers = (job.N + bs.NR - 1) / bs.NR;
        // Tall problems split rows (B is packed once, by everyone, and shared); wide or short ones split columns
        // (each unit packs its own B columns and, small, all of A).
        bool splitRows = job.M >= job.N ? rowSlivers >= 2 * threads || colSlivers < threads : colSlivers < threads;
        // The shared B buffer (KC × NC) must hold all K rows of at least one sliver.
        if (splitRows && job.PackedB == null && (long)job.K * bs.NR > (long)bs.KC * bs.NC) splitRows = false;
        job.SplitRows = splitRows;
        // Several row units per thread: a thread that is descheduled (the machine is shared) or slower leaves its
        // unclaimed units to the others instead of holding everyone up. Column units each pack all of A, so one per
        // thread (a worker that has not started still leaves its unit to the caller).
        int slivers = splitRows ? rowSlivers : colSlivers;
        int units = (splitRows ? RowUnitsPerThread : ColumnUnitsPerThread) * threads;
        int perUnit = (slivers + units - 1) / units;
        job.Unit = splitRows ? Math.Min(perUnit * bs.MR, bs.MC) : perUnit * bs.NR;
        return Math.Max(1, Math.Min(threads, slivers));
    }

    private static void RunPooled(int index, int count)
    {
        ref Job job = ref s_pooledJob;
        Workspace ws = Workspace.Current;
        ws.Ensure(job.Blocks);
        if (job.SplitRows && job.PackedB == null)
        {
            RunShared(ref job, index, count, ws);
            return;
        }
        // Independent units: row blocks over a prepacked B, or column blocks that pack their own operands.
        int length = job.SplitRows ? job.M : job.N, dealt = 0;
        for (int u = NextTicket(ref job, index, count, ref dealt); (long)u * job.Unit < length; u = NextTicket(ref job, index, count, ref dealt))
        {
            Interlocked.Or(ref job.Participants, 1 << Math.Min(index, 31));
            int start = u * job.Unit, end = Math.Min(length, start + job.Unit);
            if (job.SplitRows) RunRange(ref job, start, end, 0, job.N, job.PackedB, job.PackedStride, 0, ws);
            else RunRange(ref job, 0, job.M, start, end, job.PackedB, job.PackedStride, 0, ws);
        }
    }

    /// <summary>
    /// Row split with B packed on the fly and shared: for each block of SharedColumns columns, first all of op(B)'s
    /// K rows for those columns are packed (units: one KC block × up to 4 slivers), then row blocks are multiplied
    /// (units: Job.Unit rows, all K). Units are claimed with tickets from one counter that runs across both phases
    /// and all column blocks; a ticket beyond the current phase is kept for the next, which starts only when every
    /// ticket of the current one is done (the buffer must be complete before use and not repacked while in use).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunShared(ref Job job, int index, int count, Workspace ws)
    {
        BlockSizes bs = job.Blocks;
        int NR = bs.NR, kBlocks = (job.K + bs.KC - 1) / bs.KC;
        const int SliversPerPackUnit = 4;
        int ticket = -1, phaseEnd = 0, dealt = 0;
        for (int jc = 0; jc < job.N; jc += job.SharedColumns)
        {
            int nc = Math.Min(job.SharedColumns, job.N - jc);
            nint stride = (nc + NR - 1) / NR * NR;
            int groups = (nc + NR * SliversPerPackUnit - 1) / (NR * SliversPerPackUnit);

            int phaseStart = phaseEnd;
            phaseEnd += kBlocks * groups;
            WaitForTickets(ref job, phaseStart);
            while (true)
            {
                if (ticket < 0) ticket = NextTicket(ref job, index, count, ref dealt);
                if (ticket >= phaseEnd) break;
                int unit = ticket - phaseStart, pc = unit / groups * bs.KC, j = unit % groups * NR * SliversPerPackUnit;
                int kc = Math.Min(bs.KC, job.K - pc);
                Packing.PackB(job.OpB, job.B, job.Ldb, pc, kc, jc + j, Math.Min(nc - j, NR * SliversPerPackUnit), NR,
                    job.SharedB + pc * stride + (nint)j * kc);
                Interlocked.Increment(ref job.TicketsDone);
                ticket = -1;
            }

            phaseStart = phaseEnd;
            phaseEnd += (job.M + job.Unit - 1) / job.Unit;
            WaitForTickets(ref job, phaseStart);
            while (true)
            {
                if (ticket < 0) ticket = NextTicket(ref job, index, count, ref dealt);
                if (ticket >= phaseEnd) break;
                Interlocked.Or(ref job.Participants, 1 << Math.Min(index, 31));
                int r0 = (ticket - phaseStart) * job.Unit;
                RunRange(ref job, r0, Math.Min(job.M, r0 + job.Unit), jc, jc + nc, job.SharedB, stride, jc, ws);
                Interlocked.Increment(ref job.TicketsDone);
                ticket = -1;
            }
        }
    }

    /// <summary>The next work ticket of participant <paramref name="index"/>: claimed from the shared counter, or
    /// index + dealt·count when tickets are dealt round-robin.</summary>
    private static int NextTicket(ref Job job, int index, int count, ref int dealt) =>
        job.SplitEvenly ? index + dealt++ * count : Interlocked.Increment(ref job.NextTicket) - 1;

    /// <summary>Waits until the first <paramref name="tickets"/> tickets are done.</summary>
    private static void WaitForTickets(ref Job job, int tickets)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref job.TicketsDone) < tickets) spin.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>
    /// C[r0:r1, c0:c1] (+)= op(A)[r0:r1, :]·op(B)[:, c0:c1], all of K, on this thread. B comes from
    /// <paramref name="packed"/> (KC block at pc starting at pc·stride, the sliver of column j at (j - packedColumn0)·kc)
    /// or, when that is null, is packed here: sliver by sliver when the rows fit one MC block (small M: each sliver
    /// stays in L1), else KC × NC block by block as in BLIS.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRange(ref Job job, int r0, int r1, int c0, int c1, float* packed, nint stride, int packedColumn0,
        Workspace ws)
    {
        BlockSizes bs = job.Blocks;
        int MR = bs.MR, NR = bs.NR;
        if (r1 <= r0 || c1 <= c0) return;
        bool fusedB = packed == null && r1 - r0 <= bs.MC;
        for (int jc = c0; jc < c1; jc += bs.NC)
        {
            int nc = Math.Min(bs.NC, c1 - jc);
            for (int pc = 0; pc < job.K; pc += bs.KC)
            {
                int kc = Math.Min(bs.KC, job.K - pc);
                bool overwrite = pc == 0 && !job.Accumulate;
                if (fusedB)
                {
                    Packing.PackA(job.OpA, job.A, job.Lda, r0, r1 - r0, pc, kc, MR, ws.A);
                    for (int jr = 0; jr < nc; jr += NR)
                    {
                        int nr = Math.Min(NR, nc - jr);
                        Packing.PackB(job.OpB, job.B, job.Ldb, pc, kc, jc + jr, nr, NR, ws.B);
                        MacroKernel(job.Kernel, MR, NR, r1 - r0, nr, kc, ws.A, ws.B, job.C + r0 * job.Ldc + jc + jr, job.Ldc,
                            overwrite, ws.Tile);
                    }
                    continue;
                }
                float* bp;
                if (packed != null)
                {
                    bp = packed + pc * stride + (nint)(jc - packedColumn0) * kc;
                }
                else
                {
                    bp = ws.B;
                    Packing.PackB(job.OpB, job.B, job.Ldb, pc, kc, jc, nc, NR, bp);
                }
                for (int ic = r0; ic < r1; ic += bs.MC)
                {
                    int mc = Math.Min(bs.MC, r1 - ic);
                    Packing.PackA(job.OpA, job.A, job.Lda, ic, mc, pc, kc, MR, ws.A);
                    MacroKernel(job.Kernel, MR, NR, mc, nc, kc, ws.A, bp, job.C + ic * job.Ldc + jc, job.Ldc, overwrite, ws.Tile);
                }
            }
        }
    }

    /// <summary>C[0:mc, 0:nc] (+)= Ablock·Bblock, one micro-kernel call per MR × NR tile; tiles narrower than NR are
    /// computed into <paramref name="tile"/> and then added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(MicroKernel kernel, int MR, int NR, int mc, int nc, int kc, float* ap, float* bp,
        float* c, nint ldc, bool overwrite, float* tile)
    {
        var full = kernel.ForRows(MR);
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bs = bp + (nint)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                var run = mr == MR ? full : kernel.ForRows(mr);
                float* asl = ap + (nint)ir * kc;
                float* ct = c + ir * ldc + jr;
                if (nr == NR)
                {
                    run(kc, asl, bs, ct, ldc, overwrite);
                }
                else
                {
                    run(kc, asl, bs, tile, NR, true);
                    for (int i = 0; i < mr; i++)
                    {
                        float* t = tile + i * NR, cr = ct + i * ldc;
                        if (overwrite) for (int j = 0; j < nr; j++) cr[j] = t[j];
                        else for (int j = 0; j < nr; j++) cr[j] += t[j];
                    }
                }
            }
        }
    }
}
