// SequenceRegressor: many-to-one regression on numeric sequences (one number per sequence, as the classifier gives one
// class): a SequenceModel with dense inputs (F channels) and a last-step head of one output, trained with mean
// squared error (Trainer.TrainRegressionPadded) through the library's one FitLoop — the classifier's bucketed padded
// batches (LabelledBatches given one number per example), RegressionValidation, BestWeights; optimizer, schedule and
// clipping from SupervisedOptions as the classifier's. Recurrent.ML's RecurrentSequence regression trainer uses it.
// Inputs are standardised per channel (ChannelStandardisation, as the numeric classifier's) and the target by its
// training mean and std, so the network sees unit-scale numbers whatever the units; predictions are mapped back.
// Saved as an ordinary Recurrent model file with the standardisation under the metadata key "ml_regression".
using System.Text.Json;
using System.Text.Json.Serialization;
using Recurrent.Classification;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Regression;

/// <summary>A trained (or loaded) regressor from a numeric sequence (T·F numbers, step-major) to one number.</summary>
public sealed class SequenceRegressor
{
    /// <summary>The model file's metadata key holding the standardisation.</summary>
    public const string MetadataKey = "ml_regression";

    private readonly object _forward = new(); // the network's forward buffers are its own: one prediction at a time

    private SequenceRegressor(SequenceModel<float> model, ChannelStandardisation inputs, double targetMean, double targetStd)
    {
        Model = model;
        Standardisation = inputs;
        TargetMean = targetMean;
        TargetStd = targetStd;
    }

    /// <summary>The network: dense inputs of F channels, a last-step head with one output (the standardised target).</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>The per-channel standardisation of the inputs (fitted on the training steps).</summary>
    public ChannelStandardisation Standardisation { get; }
    /// <summary>The training targets' mean: prediction = output · <see cref="TargetStd"/> + mean.</summary>
    public double TargetMean { get; }
    /// <summary>The training targets' population std (1 when they are constant).</summary>
    public double TargetStd { get; }
    /// <summary>F, the numbers per step.</summary>
    public int FeaturesPerStep => Model.Config.InputSize;

    /// <summary>
    /// Builds a regressor for <paramref name="inputs"/> (each T·F numbers, T ≥ 1) and <paramref name="targets"/> and
    /// trains it in memory: <paramref name="validationInputs"/> / <paramref name="validationTargets"/> (may be empty)
    /// drive early stopping, and the best evaluation's weights are put back at the end.
    /// </summary>
    public static SequenceRegressor Train(IReadOnlyList<float[]> inputs, IReadOnlyList<float> targets,
        IReadOnlyList<float[]> validationInputs, IReadOnlyList<float> validationTargets, ClassifierSettings settings, SupervisedOptions options,
        IEnumerable<FitCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (inputs.Count == 0) throw new ArgumentException("There are no training examples.", nameof(inputs));
        if (targets.Count != inputs.Count || validationTargets.Count != validationInputs.Count)
            throw new ArgumentException("Every input sequence needs exactly one target.", nameof(targets));
        if (targets.Any(t => !float.IsFinite(t))) throw new ArgumentException("The training targets must be finite numbers.", nameof(targets));
        int f = settings.FeaturesPerStep;
        var standardisation = ChannelStandardisation.Fit(inputs.Where(s => s.Length > 0), f); // also checks whole steps
        double mean = targets.Average(t => (double)t);
        double std = Math.Sqrt(targets.Average(t => (t - mean) * (t - mean)));
        var config = new ModelConfig
        {
            Input = InputKind.Dense,
            InputSize = f,
            Cell = settings.Cell,
            Activation = settings.Activation,
            GateActivation = settings.GateActivation,
            HiddenSize = settings.HiddenSize,
            Layers = settings.Layers,
            Bidirectional = settings.Bidirectional,
            Dropout = settings.Dropout,
            ForgetGateBias = settings.ModelForgetGateBias,
            Head = HeadKind.LastStep,
            OutputSize = 1,
            WeightInit = WeightInit.XavierUniform,
        };
        var regressor = new SequenceRegressor(new SequenceModel<float>(config, options.Seed), standardisation, mean, std > 1e-12 ? std : 1.0);

        var examples = regressor.Examples(inputs);
        var scaled = targets.Select(t => (float)((t - mean) / regressor.TargetStd)).ToArray();
        var optimization = options.Optimization.WithPlannedSchedule(options.Fit, (examples.Count + options.BatchSize - 1) / options.BatchSize);
        var optimizer = optimization.CreateOptimizer(regressor.Model.Parameters.Count);
        var engine = new StepEngine<float>(regressor.Model.Parameters, optimizer, optimization.CreateSchedule(), optimization.TrainerOptions());
        var batches = new LabelledBatches(regressor.Model, engine, examples, options.BatchSize, options.Seed, scaled);
        IEvaluator? evaluator = validationInputs.Count > 0
            ? new RegressionValidation(regressor, validationInputs, validationTargets.ToArray(), options.BatchSize) : null;
        var loop = new FitLoop(regressor.Model, engine, batches, options.Fit, evaluator);
        foreach (var callback in callbacks ?? []) loop.Add(callback);
        loop.Add(new BestWeights());
        loop.Run(cancellation);
        return regressor;
    }

    /// <summary>
    /// The prediction for each sequence (T·F numbers in the units of the training data; NaN for an empty one), run in
    /// padded batches of <paramref name="batchSize"/> with per-row lengths: a sequence's prediction does not depend on
    /// its neighbours (up to the float rounding of another GEMM blocking).
    /// </summary>
    public double[] Predict(IReadOnlyList<float[]> inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, got {batchSize}.", nameof(batchSize));
        var result = new double[inputs.Count];
        var present = Enumerable.Range(0, inputs.Count).Where(i => inputs[i].Length > 0).ToArray();
        foreach (int i in Enumerable.Range(0, inputs.Count).Except(present)) result[i] = double.NaN;
        var examples = Examples(present.Select(i => inputs[i]).ToList());
        var batch = new PaddedBatch();
        lock (_forward)
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, examples.Count - start);
                batch.Fill(examples, Enumerable.Range(start, count).ToArray(), FeaturesPerStep, perStep: false);
                ReadOnlySpan<float> output = Model.Forward(batch.Features, batch.Steps, batch.Batch, training: false, batch.Lengths); // (B, 1)
                for (int b = 0; b < count; b++) result[present[start + b]] = output[b] * TargetStd + TargetMean;
            }
        return result;
    }

    /// <summary>Writes the regressor (network and standardisation) to <paramref name="path"/> atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stored = new Stored(Standardisation, TargetMean, TargetStd);
        ModelFile.Save(path, Model, extraMetadata: new Dictionary<string, string> { [MetadataKey] = JsonSerializer.Serialize(stored) });
    }

    /// <summary>Reads a regressor written by <see cref="Save"/>; InvalidDataException for any other file.</summary>
    public static SequenceRegressor Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        var content = ModelFile.Read(full); // format, version and checksum
        if (!SafeTensors.Read(full).Metadata.TryGetValue(MetadataKey, out var json))
            throw new InvalidDataException($"'{full}' is not a Recurrent sequence regressor (no '{MetadataKey}' entry).");
        Stored? stored;
        try { stored = JsonSerializer.Deserialize<Stored>(json); }
        catch (JsonException e) { throw new InvalidDataException($"'{full}': the regression entry cannot be read ({e.Message}).", e); }
        var model = ModelFile.CreateModel(content, full);
        var c = model.Config;
        if (stored is null || !stored.Inputs.IsValid || stored.Inputs.Channels != c.InputSize || !double.IsFinite(stored.TargetMean)
            || !(stored.TargetStd > 0) || c.Input != InputKind.Dense || c.Head != HeadKind.LastStep || c.OutputSize != 1)
            throw new InvalidDataException($"'{full}': the regression entry does not fit the network (dense {c.InputSize} inputs, {c.Head} head of {c.OutputSize}).");
        return new SequenceRegressor(model, stored.Inputs, stored.TargetMean, stored.TargetStd);
    }

    // Standardised inputs (targets unused: −1).
    private List<SequenceExample> Examples(IReadOnlyList<float[]> inputs) =>
        inputs.Select((v, i) => SequenceExample.OfFeatures(Standardisation.Apply(v), [-1], i + 1)).ToList();

    // What the model file keeps besides the network.
    private sealed record Stored(
        [property: JsonPropertyName("inputs")] ChannelStandardisation Inputs,
        [property: JsonPropertyName("target_mean")] double TargetMean,
        [property: JsonPropertyName("target_std")] double TargetStd);
}
