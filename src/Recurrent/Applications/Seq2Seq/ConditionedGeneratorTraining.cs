// ConditionedGeneratorTraining: the one-to-many generator on the fit loop — the optimizer, schedule and step engine
// an OptimizationOptions describes, the seeded (features, sequence) batches (ConditionedBatches) and the run
// controls of a FitOptions, assembled into a FitLoop (CreateLoop) or run at once (Train). The loop is FitLoop's:
// budgets, logging, the divergence guard, callbacks and checkpoint state come with it. With a reducer the loop is one
// rank of a data-parallel job: it trains its share of each batch (ConditionedBatches) and the gradients are summed.
using Recurrent.Training;

namespace Recurrent.Seq2Seq;

/// <summary>Trains <see cref="ConditionedGenerator{T}"/> models on the fit loop.</summary>
public static class ConditionedGeneratorTraining
{
    /// <summary>
    /// A fit loop (no callbacks, no evaluation) that trains <paramref name="model"/> on <paramref name="examples"/> in
    /// shuffled batches of <paramref name="batchSize"/> with <paramref name="optimization"/> until <paramref name="fit"/>'s
    /// budget. Throws ArgumentException for impossible options or an example the model cannot take. With a
    /// <paramref name="reducer"/> this process is one rank of a data-parallel job: every rank calls CreateLoop alike,
    /// <paramref name="batchSize"/> is the global batch (a multiple of the ranks) and this rank trains its share of each.
    /// </summary>
    public static FitLoop CreateLoop(ConditionedGenerator<float> model, IReadOnlyList<ConditionedExample> examples, int batchSize,
        OptimizationOptions optimization, FitOptions fit, ulong seed = 1, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(optimization);
        ArgumentNullException.ThrowIfNull(fit);
        if (batchSize <= 0) throw new ArgumentException($"BatchSize must be positive, got {batchSize}.", nameof(batchSize));
        optimization.Validate();
        if (optimization.TrainerOptions().HasActivationPenalty)
            throw new ArgumentException("AR/TAR (ActivationRegularization, TemporalActivationRegularization) apply to SequenceModel training only, not to this generator.", nameof(optimization));
        fit.Validate();
        optimization = optimization.WithPlannedSchedule(fit, (examples.Count + batchSize - 1) / batchSize);
        var engine = new StepEngine<float>(model.Parameters, optimization.CreateOptimizer(model.Parameters.Count),
            optimization.CreateSchedule(), optimization.TrainerOptions(), reducer);
        return new FitLoop(model, engine, new ConditionedBatches(model, engine, examples, batchSize, seed), fit);
    }

    /// <summary>Trains as <see cref="CreateLoop"/> describes, with <paramref name="callbacks"/> following the run.</summary>
    public static FitOutcome Train(ConditionedGenerator<float> model, IReadOnlyList<ConditionedExample> examples, int batchSize,
        OptimizationOptions optimization, FitOptions fit, ulong seed = 1, IEnumerable<FitCallback>? callbacks = null,
        CancellationToken cancellation = default)
    {
        var loop = CreateLoop(model, examples, batchSize, optimization, fit, seed);
        foreach (var callback in callbacks ?? []) loop.Add(callback);
        return loop.Run(cancellation);
    }
}
