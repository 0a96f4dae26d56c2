// SoftmaxInverse: the input x that makes ML.NET's maximum-entropy model softmax(W·x + b) give chosen probabilities p,
// as a linear map of log p — so the saved multiclass chain's Score is the fitted ML.NET model's own column (with its
// SlotNames, ScoreColumnKind and the label's KeyValues on PredictedLabel) while its values are the Recurrent
// network's. Softmax ignores a shift of all K logits, so it suffices that W·x + b = log p + t·1 for some t: with
// P = I − 11ᵀ/K (removes the shift) and M = P·W, solve M·x = P·(log p − b). M has rank K − 1 (P has), so the system
// is closed with 1ᵀx = 0: (MᵀM + 11ᵀ)·x = Mᵀ·P·(log p − b), i.e. x = A·(log p − b) with A = (MᵀM + 11ᵀ)⁻¹·Mᵀ·P,
// solved in double precision (Gauss–Jordan with partial pivoting). The result is checked on probe vectors; a W for
// which it does not hold (it has no solution when 1ᵀ·null(M) = 0) is an error, never a silently different model.
namespace Recurrent.ML;

internal static class SoftmaxInverse
{
    /// <summary>
    /// A (K×K, row-major) with softmax(W·A·(l − b) + b) = softmax(l) for every l, for <paramref name="weights"/> W
    /// (K rows of K) and <paramref name="biases"/> b (K). InvalidOperationException when W admits none.
    /// </summary>
    public static double[] Solve(float[][] weights, float[] biases)
    {
        int k = biases.Length;
        var m = new double[k, k];   // M = P·W: each column of W minus its mean
        for (int j = 0; j < k; j++)
        {
            double mean = 0;
            for (int i = 0; i < k; i++) mean += weights[i][j];
            mean /= k;
            for (int i = 0; i < k; i++) m[i, j] = weights[i][j] - mean;
        }
        var n = new double[k, 2 * k];   // [MᵀM + 11ᵀ | MᵀP], reduced to [I | A]
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double sum = 1;
                for (int r = 0; r < k; r++) sum += m[r, i] * m[r, j];
                n[i, j] = sum;
                n[i, k + j] = m[j, i];   // Mᵀ·P = Mᵀ, as the columns of M already sum to 0 (P·M = M)
            }
        for (int c = 0; c < k; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < k; r++) if (Math.Abs(n[r, c]) > Math.Abs(n[pivot, c])) pivot = r;
            if (Math.Abs(n[pivot, c]) < 1e-12) throw new InvalidOperationException("The saved multiclass tail cannot reproduce the scores: its weights are singular.");
            for (int j = 0; j < 2 * k; j++) (n[c, j], n[pivot, j]) = (n[pivot, j], n[c, j]);
            double d = n[c, c];
            for (int j = 0; j < 2 * k; j++) n[c, j] /= d;
            for (int r = 0; r < k; r++)
            {
                if (r == c || n[r, c] == 0) continue;
                double f = n[r, c];
                for (int j = 0; j < 2 * k; j++) n[r, j] -= f * n[c, j];
            }
        }
        var a = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) a[i * k + j] = n[i, k + j];
        Check(weights, biases, a);
        return a;
    }

    // softmax(W·A·(l − b) + b) against softmax(l) on a few log-probability vectors, with A in float as the graph holds it.
    private static void Check(float[][] weights, float[] biases, double[] a)
    {
        int k = biases.Length;
        var random = new Random(1);
        for (int probe = 0; probe < 20; probe++)
        {
            var l = Enumerable.Range(0, k).Select(_ => -20 * random.NextDouble()).ToArray();
            var x = new double[k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) x[i] += (float)a[i * k + j] * (l[j] - biases[j]);
            var z = Enumerable.Range(0, k).Select(i => biases[i] + Enumerable.Range(0, k).Sum(j => (double)weights[i][j] * x[j])).ToArray();
            var expected = Softmax(l);
            var actual = Softmax(z);
            if (expected.Zip(actual).Any(p => Math.Abs(p.First - p.Second) > 1e-5))
                throw new InvalidOperationException("The saved multiclass tail cannot reproduce the scores (its weights are ill-conditioned).");
        }
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
