// min-char-rnn reproduced (Karpathy 2015): one-hot characters → vanilla tanh RNN (H=100) → softmax,
// sequences of 25 with the hidden state carried between windows, Adagrad lr 0.1, gradients clipped to ±5.
// The text is generated here from a small word grammar. min-char-rnn's loss is the sum over the 25 steps
// and its smoothed loss starts at the uniform guess -ln(1/V)·25; it must fall well below that.
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Training;

public sealed class MinCharRnnTests(ITestOutputHelper log)
{
    private static string GenerateText(int words, ulong seed)
    {
        string[] subjects = ["the cat", "a dog", "my friend", "the old man", "she"];
        string[] verbs = ["sees", "likes", "finds", "follows"];
        string[] objects = ["the ball", "a red bird", "the river", "his hat"];
        var rng = new Rng(seed);
        var sb = new System.Text.StringBuilder();
        while (sb.Length < words)
            sb.Append(subjects[rng.NextInt(subjects.Length)]).Append(' ')
              .Append(verbs[rng.NextInt(verbs.Length)]).Append(' ')
              .Append(objects[rng.NextInt(objects.Length)]).Append(". ");
        return sb.ToString();
    }

    [Fact]
    public void SmoothedLossFallsWellBelowTheUniformGuess()
    {
        string text = GenerateText(20_000, 3);
        char[] chars = text.Distinct().OrderBy(c => c).ToArray();
        var index = chars.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        int vocab = chars.Length, seqLength = 25, hidden = 100;
        int[] data = text.Select(c => index[c]).ToArray();

        var model = new SequenceModel<float>(new ModelConfig
        {
            Input = InputKind.OneHot, InputSize = vocab, Cell = CellKind.RnnTanh, HiddenSize = hidden,
            OutputSize = vocab, WeightInit = WeightInit.XavierNormal, RecurrentInit = WeightInit.XavierNormal,
        }, seed: 1);
        var trainer = new Trainer<float>(model, new Adagrad<float>(model.Parameters.Count),
            new ConstantSchedule(0.1), new TrainerOptions { ClipValue = 5.0 });

        double uniform = -Math.Log(1.0 / vocab) * seqLength;
        double smooth = uniform;
        int p = 0;
        var inputs = new int[seqLength];
        var targets = new int[seqLength];
        for (int n = 0; n < 3000; n++)
        {
            if (p + seqLength + 1 >= data.Length) { p = 0; model.ResetState(); }
            Array.Copy(data, p, inputs, 0, seqLength);
            Array.Copy(data, p + 1, targets, 0, seqLength);
            double loss = trainer.Train(inputs, targets, seqLength, 1).Loss * seqLength; // min-char-rnn sums over steps
            model.CarryState();
            smooth = smooth * 0.999 + loss * 0.001;
            if (n % 500 == 0) log.WriteLine($"iter {n}, smoothed loss {smooth:F2} (uniform {uniform:F2})");
            p += seqLength;
        }
        log.WriteLine($"final smoothed loss {smooth:F2}; uniform-guess loss ln(V)*25 = {uniform:F2}");
        Assert.True(smooth < 0.3 * uniform, $"smoothed loss {smooth:F2} is not well below {uniform:F2}");
    }
}
