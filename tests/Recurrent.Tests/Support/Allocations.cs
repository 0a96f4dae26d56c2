// Allocations: measures managed bytes allocated on this thread by an action, as the minimum over a few
// runs. The JIT's tiering (call counting, on-stack replacement) can allocate on the thread once while a
// method is promoted; a real per-call allocation shows up in every run, so the minimum is the honest figure.
namespace Recurrent.Tests.Support;

public static class Allocations
{
    public static long MinimumBytes(Action action, int runs = 3)
    {
        long best = long.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return best;
    }
}
