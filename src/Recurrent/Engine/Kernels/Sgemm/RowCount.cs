// RowCount: compile-time row counts for the micro-kernels. Each kernel is one generic method over a struct
// TRows : IRowCount; the JIT specialises it per struct and folds `TRows.Value`, so one source gives a kernel
// for every row count 1..MR with no dead accumulators. The driver calls the exact-rows kernel for the last
// MR-sliver of A instead of padding it with zero rows (M = batch is often small: 1, 32, ...).
// This file is only the constants; the kernels are in *Kernel.cs.
namespace Recurrent.Kernels;

/// <summary>A row count known to the JIT at compile time.</summary>
internal interface IRowCount { static abstract int Value { get; } }

internal readonly struct Rows1 : IRowCount { public static int Value => 1; }
internal readonly struct Rows2 : IRowCount { public static int Value => 2; }
internal readonly struct Rows3 : IRowCount { public static int Value => 3; }
internal readonly struct Rows4 : IRowCount { public static int Value => 4; }
internal readonly struct Rows5 : IRowCount { public static int Value => 5; }
internal readonly struct Rows6 : IRowCount { public static int Value => 6; }
internal readonly struct Rows7 : IRowCount { public static int Value => 7; }
internal readonly struct Rows8 : IRowCount { public static int Value => 8; }
internal readonly struct Rows9 : IRowCount { public static int Value => 9; }
internal readonly struct Rows10 : IRowCount { public static int Value => 10; }
internal readonly struct Rows11 : IRowCount { public static int Value => 11; }
internal readonly struct Rows12 : IRowCount { public static int Value => 12; }
internal readonly struct Rows13 : IRowCount { public static int Value => 13; }
internal readonly struct Rows14 : IRowCount { public static int Value => 14; }
