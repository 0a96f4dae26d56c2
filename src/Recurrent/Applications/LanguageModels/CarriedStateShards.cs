// CarriedStateShards: the carried hidden state of a data-parallel language-model run, between its per-rank form and
// the one-process form a checkpoint holds. Rank r of N carries streams r·B/N .. (r+1)·B/N − 1, so its state is
// (L,B/N,H) and the job's is (L,B,H) with rank r's rows in each layer's block at row r·B/N. Gather makes every rank
// hold the whole (L,B,H) — each rank puts its rows into a zero buffer and the ranks sum — with the float bits
// carried as whole numbers in doubles (exact: one rank adds a value below 2^32, the others 0), so the checkpoint is
// bit for bit the state, −0 included. Slice takes a rank's rows back out. A checkpoint of a data-parallel run is
// therefore an ordinary one: it resumes in one process, or on any N that divides B.
using Recurrent.Training;

namespace Recurrent.LanguageModels;

internal static class CarriedStateShards
{
    /// <summary>The whole (L,B,H) state from every rank's (L,B/N,H) <paramref name="local"/>; a collective call.</summary>
    public static float[] Gather(IGradientReducer reducer, ReadOnlySpan<float> local, int localBatch, int hidden)
    {
        if (local.IsEmpty) return []; // no cell state (GRU, RNN): empty on every rank alike
        int blocks = local.Length / (localBatch * hidden), batch = localBatch * reducer.Size;
        var bits = new double[blocks * batch * hidden];
        for (int l = 0; l < blocks; l++)
            for (int i = 0; i < localBatch * hidden; i++)
                bits[(l * batch + reducer.Rank * localBatch) * hidden + i] = BitConverter.SingleToUInt32Bits(local[l * localBatch * hidden + i]);
        reducer.Sum(bits);
        var whole = new float[bits.Length];
        for (int i = 0; i < bits.Length; i++) whole[i] = BitConverter.UInt32BitsToSingle((uint)bits[i]);
        return whole;
    }

    /// <summary>Rank <paramref name="rank"/>'s (L,B/N,H) rows of the whole (L,B,H) <paramref name="whole"/>.</summary>
    public static float[] Slice(float[] whole, int rank, int localBatch, int batch, int hidden)
    {
        if (whole.Length == 0) return whole;
        int blocks = whole.Length / (batch * hidden);
        var local = new float[blocks * localBatch * hidden];
        for (int l = 0; l < blocks; l++)
            whole.AsSpan((l * batch + rank * localBatch) * hidden, localBatch * hidden).CopyTo(local.AsSpan(l * localBatch * hidden));
        return local;
    }
}
