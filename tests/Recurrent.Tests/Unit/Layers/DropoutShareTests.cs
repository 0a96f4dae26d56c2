// DropoutShare (data parallelism): a stack given this process's rows of a whole batch draws, for those rows, exactly the
// dropout masks one process draws for the whole batch — input dropout and dropout between layers, locked and element-wise,
// for a share in the middle of the batch and for a share shorter than the whole batch's longest sequence (a padded
// batch) — and leaves its generator where the whole batch's forward leaves it, so the next forward agrees too.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

public sealed class DropoutShareTests
{
    private const int T = 5, B = 4, F = 3, H = 6;

    [Theory]
    [InlineData(true, 1, 2, T)]   // rows 1..2 of 4, every step
    [InlineData(false, 1, 2, T)]
    [InlineData(true, 3, 1, 3)]   // the last row alone, 3 of the batch's 5 steps
    [InlineData(false, 3, 1, 3)]
    [InlineData(false, 0, 1, 2)]
    public void A_share_draws_its_rows_of_the_whole_batch_masks(bool locked, int first, int rows, int steps)
    {
        RecurrentStack<double> Stack()
        {
            var store = new ParameterStore<double>();
            var stack = new RecurrentStack<double>(store, "s.", CellKind.Lstm, F, H, 3, dropout: 0.4, inputDropout: 0.3, lockedDropout: locked);
            store.Seal();
            return stack;
        }
        var x = new double[T * B * F];
        for (int i = 0; i < x.Length; i++) x[i] = 1 + i % 5;
        var whole = Stack();
        var wholeRng = new Rng(9);
        whole.Forward(x, T, B, default, default, training: true, wholeRng);

        var part = Stack();
        part.DropoutRows = new DropoutShare(first, B, T);
        var partRng = new Rng(9);
        var xs = new double[steps * rows * F];
        for (int t = 0; t < steps; t++) x.AsSpan((t * B + first) * F, rows * F).CopyTo(xs.AsSpan(t * rows * F));
        part.Forward(xs, steps, rows, default, default, training: true, partRng);

        for (int layer = 0; layer < 3; layer++)
        {
            int features = layer == 0 ? F : H;
            double[] w = whole.DropoutMask(layer).ToArray(), p = part.DropoutMask(layer).ToArray();
            for (int t = 0; t < steps; t++)
                for (int b = 0; b < rows; b++)
                    for (int f = 0; f < features; f++)
                        Assert.Equal(w[(t * B + first + b) * features + f], p[(t * rows + b) * features + f]);
        }
        Assert.Equal(wholeRng.State, partRng.State);
    }

    [Fact]
    public void A_share_that_does_not_fit_the_batch_is_refused()
    {
        var store = new ParameterStore<double>();
        var stack = new RecurrentStack<double>(store, "s.", CellKind.Gru, F, H, 2, dropout: 0.4);
        store.Seal();
        stack.DropoutRows = new DropoutShare(3, B, T);
        var e = Assert.Throws<InvalidOperationException>(() => stack.Forward(new double[T * 2 * F], T, 2, default, default, training: true, new Rng(1)));
        Assert.Contains("rows 3..4 and 5 steps does not fit a batch of 4 rows and 5 steps", e.Message);
    }
}
