// bench_sgemm.cs: the C# side of the GEMM comparison (bench_numpy.py is the peer). A .NET 10 file-based program,
// not a project:  dotnet run -c Release bench/gemm/bench_sgemm.cs
// (add DOTNET_EnableAVX512=0 in front to measure the AVX2 kernel; .NET 10 ignores DOTNET_EnableAVX512F).
// Prints median GFLOP/s for the same shapes and thread counts as bench_numpy.py, through the library's public
// GemmBenchmark entry point (about one second of products per shape after a warm-up).
#:project ../../src/Recurrent/Recurrent.csproj
#:property TieredPGO=true
using Recurrent.Kernels;

(int M, int N, int K, bool TransA)[] shapes =
[
    (256, 256, 256, false),
    (1024, 1024, 1024, false),
    (32, 2048, 512, false),      // recurrent forward step: h (B,H) . W_hh^T, H=512
    (32, 512, 2048, false),      // recurrent backward step: dG (B,4H) . W_hh
    (2048, 2048, 512, false),    // input projection over T*B = 2048 rows
    (2048, 512, 32 * 64, true),  // weight gradient: dG^T (over T*B rows) . X
];

Console.WriteLine($"Recurrent Sgemm; kernel: {GemmBenchmark.KernelName}; processors: {Environment.ProcessorCount}");
foreach (int threads in new[] { 1, 2 })
{
    if (threads > Environment.ProcessorCount) break;
    foreach (var (m, n, k, transA) in shapes)
    {
        // A short run sizes the repetition count to about one second, as bench_numpy.py does.
        double estimate = GemmBenchmark.GigaflopsPerSecond(m, n, k, transA, false, threads, 3);
        int repetitions = (int)Math.Clamp(1.0 * estimate * 1e9 / (2.0 * m * n * k), 7, 2000);
        double g = GemmBenchmark.GigaflopsPerSecond(m, n, k, transA, false, threads, repetitions);
        Console.WriteLine($"threads={threads}  M={m,5} N={n,5} K={k,5} {(transA ? "A^T" : "A  ")}  {g,8:F1} GFLOP/s");
    }
}
