// StepDecaySchedule.cs — per-epoch multiplicative decay after a given epoch, as char-rnn's
// learning_rate_decay / learning_rate_decay_after.
using Recurrent.Optimizers;

namespace Recurrent.Schedules;

/// <summary>
/// A learning rate multiplied by <see cref="Factor"/> at the end of epochs, once enough epochs have completed:
/// Karpathy's char-rnn <c>learning_rate_decay</c> (0.97) with <c>learning_rate_decay_after</c> (10).
/// </summary>
/// <remarks>
/// <para>Decay points are epoch ends. After <c>c</c> epochs have completed (<c>c</c> = 1, 2, …) the rate is
/// multiplied by <see cref="Factor"/> when <c>c ≥ decayAfterEpoch</c> and
/// <c>(c − decayAfterEpoch) mod everyEpochs = 0</c>. During the 0-based epoch <c>e</c>, <c>e</c> epochs have
/// completed, so <c>At(step, e) = baseLr · factor^n</c> with <c>n</c> the number of such <c>c</c> in 1..e.
/// The step argument is not used.</para>
/// <para>This is char-rnn's rule exactly (with <c>everyEpochs = 1</c>): in its <c>train.lua</c>, at the last
/// iteration of an epoch, <c>epoch = i / ntrain</c> is the number of epochs completed, and the rate is decayed
/// when <c>epoch ≥ learning_rate_decay_after</c>. With <c>decayAfterEpoch: 10, factor: 0.97</c> the first decay
/// is at the end of the tenth epoch, so 0-based epochs 0..9 use <c>baseLr</c>, epoch 10 uses
/// <c>baseLr·0.97</c>, epoch 11 <c>baseLr·0.97²</c>, epoch 12 <c>baseLr·0.97³</c>, and so on.
/// For <c>decayAfterEpoch = 0</c> the first decay is after <c>everyEpochs</c> epochs.</para>
/// </remarks>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Creates a step-decay schedule.</summary>
    /// <param name="baseLr">The learning rate before the first decay, finite and zero or more.</param>
    /// <param name="decayAfterEpoch">The number of completed epochs at which the first decay happens (char-rnn's
    /// <c>learning_rate_decay_after</c>); zero or more.</param>
    /// <param name="factor">The multiplier applied at each decay point, finite and &gt; 0 (char-rnn: 0.97).</param>
    /// <param name="everyEpochs">The number of epochs between decay points; one or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public StepDecaySchedule(double baseLr, int decayAfterEpoch, double factor, int everyEpochs = 1)
    {
        ArgumentChecks.NonNegativeFinite(baseLr);
        ArgumentChecks.NonNegative(decayAfterEpoch);
        ArgumentChecks.PositiveFinite(factor);
        if (everyEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(everyEpochs), everyEpochs, $"everyEpochs must be >= 1, but was {everyEpochs}.");
        }

        BaseLearningRate = baseLr;
        DecayAfterEpoch = decayAfterEpoch;
        Factor = factor;
        EveryEpochs = everyEpochs;
    }

    /// <summary>The learning rate before the first decay.</summary>
    public double BaseLearningRate { get; }

    /// <summary>The number of completed epochs at which the first decay happens.</summary>
    public int DecayAfterEpoch { get; }

    /// <summary>The multiplier applied at each decay point.</summary>
    public double Factor { get; }

    /// <summary>The number of epochs between decay points.</summary>
    public int EveryEpochs { get; }

    /// <summary>The number of decay points passed before the 0-based <paramref name="epoch"/> starts.</summary>
    /// <param name="epoch">The 0-based epoch; zero or more.</param>
    /// <returns>The exponent <c>n</c> of <see cref="Factor"/> used during <paramref name="epoch"/>.</returns>
    public int DecaysBefore(int epoch)
    {
        ArgumentChecks.NonNegative(epoch);

        // First decay point c ≥ max(decayAfterEpoch, 1) with c ≡ decayAfterEpoch (mod everyEpochs).
        long first = DecayAfterEpoch >= 1 ? DecayAfterEpoch : EveryEpochs;
        return epoch < first ? 0 : (int)((epoch - first) / EveryEpochs + 1);
    }

    /// <inheritdoc/>
    public override double At(long step, int epoch)
    {
        ValidateProgress(step, epoch);
        return BaseLearningRate * Math.Pow(Factor, DecaysBefore(epoch));
    }
}
