// SoftmaxInverseMlNetTests: the map Model.Save's multiclass graph applies before ML.NET's maximum-entropy tail — for
// weights W and biases b, x = A·(l − b) must give softmax(W·x + b) = softmax(l) for any logits l: on the symmetric
// a·I − b·J weights the tail learns (singular: W·1 = 0), on a general well-conditioned W, and a W that maps every x
// to a constant shift (no solution) is refused rather than saved; and the tail Model.Save fits, for 2 to 40 classes.
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class SoftmaxInverseMlNetTests
{
    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    private static void AssertInverts(float[][] w, float[] b)
    {
        int k = b.Length;
        var a = SoftmaxInverse.Solve(w, b);
        var random = new Random(5);
        for (int probe = 0; probe < 50; probe++)
        {
            var l = Enumerable.Range(0, k).Select(_ => random.NextDouble() * 30 - 25).ToArray();
            var x = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Sum(j => a[i * k + j] * (l[j] - b[j]))).ToArray();
            var z = Enumerable.Range(0, k).Select(i => b[i] + Enumerable.Range(0, k).Sum(j => w[i][j] * x[j])).ToArray();
            var expected = Softmax(l);
            var actual = Softmax(z);
            for (int i = 0; i < k; i++) Assert.Equal(expected[i], actual[i], 1e-9);
        }
    }

    [Fact]
    public void The_symmetric_weights_of_the_fitted_tail_are_inverted_up_to_the_shift_softmax_ignores()
    {
        // 3.2·I − 1.6·(J − I) with rows summing to 0, as LbfgsMaximumEntropy learns on the tail's points for K = 3.
        float[][] w = [[3.2061746f, -1.6030837f, -1.6030837f], [-1.6030837f, 3.2061746f, -1.6030837f], [-1.6030837f, -1.6030837f, 3.2061746f]];
        AssertInverts(w, [9.6e-6f, 9.6e-6f, 9.6e-6f]);
    }

    [Fact]
    public void A_general_well_conditioned_weight_matrix_is_inverted_too()
    {
        // Not symmetric, not singular: 2·I plus noise (a nearly singular W is refused: A's float rounding, times
        // logits of tens, would move the probabilities).
        var random = new Random(3);
        float[][] w = Enumerable.Range(0, 5).Select(i => Enumerable.Range(0, 5).Select(j => (i == j ? 2f : 0f) + (float)(random.NextDouble() * 0.6 - 0.3)).ToArray()).ToArray();
        AssertInverts(w, [0.3f, -1.2f, 0.5f, 2f, -0.7f]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(40)]
    public void The_tail_Model_Save_fits_is_inverted_for_any_number_of_classes(int classes)
    {
        var names = Enumerable.Range(0, classes).Select(c => $"class {c}").ToArray();
        var (w, b) = SavedTails.Affine(SavedTails.Multiclass(new Microsoft.ML.MLContext(seed: 1), names));
        Assert.Equal(classes, w.Length);
        AssertInverts(w, b);
    }

    [Fact]
    public void Weights_that_only_shift_all_classes_together_are_refused()
    {
        float[][] w = [[1f, 2f], [1f, 2f]];   // W·x = (s, s): every x gives the same probabilities
        Assert.Throws<InvalidOperationException>(() => SoftmaxInverse.Solve(w, [0f, 0f]));
    }
}
