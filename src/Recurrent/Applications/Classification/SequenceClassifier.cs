// SequenceClassifier: the many-to-one task end to end — a SequenceModel with a last-step head over token
// ids (TSV text, char or word tokens) or numbers (CSV, F channels per step: dense input (T,B,F), each channel
// standardised with statistics of the training steps), its label set and text encoder or standardisation,
// training on the fit loop (LabelledBatches, ClassifierValidation), evaluation (ConfusionMatrix), prediction with class
// probabilities, and saving/loading (TaskModelFile: task "classify").
using Recurrent.Data;
using System.Text.Json;
using Recurrent.Applications;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Classification;

/// <summary>A trained (or loaded) sequence classifier.</summary>
public sealed class SequenceClassifier : ISupervisedModel
{
    /// <summary>The "task" value in the model file.</summary>
    public const string TaskName = "classify";

    private SequenceClassifier(SequenceModel<float> model, Vocabulary labels, ClassificationFormat format, TextEncoder? encoder,
        ChannelStandardisation? standardisation)
    {
        Model = model;
        Labels = labels;
        Format = format;
        Encoder = encoder;
        Standardisation = standardisation;
    }

    /// <summary>The network (last-step head, one output per label).</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>The labels, id = output index.</summary>
    public Vocabulary Labels { get; }
    /// <summary>Text (TSV) or numeric (CSV) input.</summary>
    public ClassificationFormat Format { get; }
    /// <summary>The text encoder (TSV input), or null.</summary>
    public TextEncoder? Encoder { get; }
    /// <summary>
    /// The per-channel standardisation of numeric (CSV) input, or null: text input, or a numeric model written before
    /// standardisation existed (its one channel is read as it is).
    /// </summary>
    public ChannelStandardisation? Standardisation { get; }
    /// <summary>Numbers per step F of numeric (CSV) input — the network's dense input size; 1 for text.</summary>
    public int FeaturesPerStep => Format == ClassificationFormat.Csv ? Model.Config.InputSize : 1;

    /// <summary>
    /// A new, untrained classifier for <paramref name="train"/>: labels and vocabulary learnt from it, the network
    /// initialised from <paramref name="seed"/>. Records must all carry labels. With <paramref name="memoryCheck"/>,
    /// a model too large to train in this machine's memory with those options is refused before anything is allocated.
    /// Numeric records hold <see cref="ClassifierSettings.FeaturesPerStep"/> numbers per step; the per-channel
    /// standardisation is fitted on their steps. <paramref name="labels"/>, when given, is the label set in output order
    /// (it may hold labels the training records never show, which then get outputs too, e.g. an ML.NET key type's
    /// every value); a training label outside it is an ArgumentException naming the line. Without it the labels are
    /// those of the records, ordinally sorted.
    /// </summary>
    public static SequenceClassifier Create(IReadOnlyList<ClassificationRecord> train, ClassificationFormat format, ClassifierSettings settings, ulong seed,
        SupervisedOptions? memoryCheck = null, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(settings);
        if (train.Count == 0) throw new ArgumentException("There are no training examples.", nameof(train));
        int f = settings.FeaturesPerStep;
        if (f < 1) throw new ArgumentException($"FeaturesPerStep must be positive, got {f}.", nameof(ClassifierSettings.FeaturesPerStep));
        if (format == ClassificationFormat.Tsv && f != 1)
            throw new ArgumentException($"FeaturesPerStep is for numeric (CSV) data; text (TSV) is read as tokens, so it must be 1, got {f}.", nameof(ClassifierSettings.FeaturesPerStep));
        var seen = train.Select(r => r.Label ?? throw new ArgumentException($"The training example on line {r.Line} has no label.", nameof(train))).ToList();
        Vocabulary labelSet;
        if (labels is null) labelSet = Vocabulary.OfLabels(seen);
        else
        {
            if (labels.Count == 0 || labels.Distinct().Count() != labels.Count)
                throw new ArgumentException($"The label set must be distinct names, got [{string.Join(", ", labels)}].", nameof(labels));
            labelSet = new Vocabulary(labels);
            foreach (var r in train)
                if (!labelSet.TryGetId(r.Label!, out _))
                    throw new ArgumentException($"The training example on line {r.Line} has the label '{r.Label}', which is not in the label set ({string.Join(", ", labels)}).", nameof(train));
        }
        TextEncoder? encoder = format == ClassificationFormat.Tsv ? TextEncoder.Build(settings.Tokens, train.Select(r => r.Text)) : null;
        ChannelStandardisation? standardisation = null;
        if (encoder is null)
        {
            foreach (var r in train) CheckSteps(r, f, "training", null);
            standardisation = ChannelStandardisation.Fit(train.Select(r => r.Values), f);
        }
        var config = new ModelConfig
        {
            Input = encoder is null ? InputKind.Dense : settings.EmbeddingSize > 0 ? InputKind.Embedding : InputKind.OneHot,
            InputSize = encoder?.VocabularySize ?? f,
            EmbeddingSize = settings.EmbeddingSize,
            Cell = settings.Cell,
            Activation = settings.Activation,
            GateActivation = settings.GateActivation,
            HiddenSize = settings.HiddenSize,
            Layers = settings.Layers,
            Bidirectional = settings.Bidirectional,
            Dropout = settings.Dropout,
            ForgetGateBias = settings.ModelForgetGateBias,
            Head = HeadKind.LastStep,
            OutputSize = labelSet.Count,
            WeightInit = WeightInit.XavierUniform,
        };
        if (memoryCheck is not null)
            ModelMemory.Check(config, memoryCheck.BatchSize, train.Max(r => Math.Max(r.Values.Length / f, r.Text.Length)), memoryCheck.Optimization.OptimizerBuffers);
        return new SequenceClassifier(new SequenceModel<float>(config, seed), labelSet, format, encoder, standardisation);
    }

    /// <summary>
    /// A fit loop that trains this classifier on <paramref name="train"/> (bucketed padded batches) and evaluates it
    /// on <paramref name="validation"/> (loss, accuracy, macro-F1; none when empty). Add callbacks, then Run it.
    /// </summary>
    public SupervisedFit CreateFit(IReadOnlyList<ClassificationRecord> train, IReadOnlyList<ClassificationRecord> validation, SupervisedOptions options,
        IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        List<SequenceExample> trainExamples = Examples(train, "training", unknownLabelIsError: true);
        List<SequenceExample> valExamples = Examples(validation, "validation", unknownLabelIsError: false);
        // What the first validation examples read, for predictions.json: Examples keeps the records whose label is absent or known.
        var valInputs = validation.Where(r => r.Label is null || Labels.TryGetId(r.Label, out _)).Take(PredictionJson.MaxExamples)
            .Select(r => Format == ClassificationFormat.Tsv ? r.Text : ClassifierValidation.Describe(r.Values)).ToList();
        IEvaluator? evaluator = valExamples.Count > 0 ? new ClassifierValidation(Model, valExamples, valInputs, options.BatchSize, Labels) : null;
        return SupervisedFit.Create(Model, trainExamples, options, evaluator, valExamples.Count, reducer);
    }

    /// <summary>
    /// Builds a classifier for <paramref name="train"/> and trains it in memory (no files): <paramref name="validation"/>
    /// (may be empty) drives early stopping and the parameters of the best evaluation are put back at the end.
    /// <paramref name="callbacks"/> follow the run (e.g. a <see cref="Training.Callbacks.LambdaCallback"/>).
    /// </summary>
    public static (SequenceClassifier Classifier, FitOutcome Outcome) Train(
        IReadOnlyList<ClassificationRecord> train, IReadOnlyList<ClassificationRecord> validation, ClassificationFormat format,
        ClassifierSettings settings, SupervisedOptions options, IEnumerable<FitCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var classifier = Create(train, format, settings, options.Seed);
        return (classifier, classifier.CreateFit(train, validation, options).RunInMemory(callbacks, cancellation));
    }

    /// <summary>
    /// The model inputs of <paramref name="records"/>. A label outside the label set is an error naming the
    /// line when <paramref name="unknownLabelIsError"/>; otherwise (validation) such examples are dropped.
    /// Records without a label get target -1. Numeric records must hold a whole number of steps of
    /// <see cref="FeaturesPerStep"/> numbers; they are standardised per channel.
    /// </summary>
    public List<SequenceExample> Examples(IReadOnlyList<ClassificationRecord> records, string what, bool unknownLabelIsError, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var examples = new List<SequenceExample>(records.Count);
        foreach (var r in records)
        {
            int target = -1;
            if (r.Label is not null && !Labels.TryGetId(r.Label, out target))
            {
                if (!unknownLabelIsError) continue;
                throw new InvalidDataException($"{(path is null ? "" : $"'{path}' ")}line {r.Line}: the label '{r.Label}' is not one the model knows ({string.Join(", ", Labels.Names)}).");
            }
            if (Format == ClassificationFormat.Tsv)
            {
                if (r.Values.Length > 0 || Encoder is null)
                    throw new InvalidDataException($"line {r.Line}: this model classifies text (TSV), but the {what} data holds numbers.");
                int[] ids = Encoder.Encode(r.Text);
                if (ids.Length == 0) throw new InvalidDataException($"{(path is null ? "" : $"'{path}' ")}line {r.Line}: the text has no tokens.");
                examples.Add(SequenceExample.OfTokens(ids, [target], r.Line));
            }
            else
            {
                if (r.Values.Length == 0)
                    throw new InvalidDataException($"{(path is null ? "" : $"'{path}' ")}line {r.Line}: this model classifies numeric sequences (CSV), but the line has no numbers.");
                CheckSteps(r, FeaturesPerStep, what, path);
                examples.Add(SequenceExample.OfFeatures(Standardisation?.Apply(r.Values) ?? r.Values, [target], r.Line));
            }
        }
        return examples;
    }

    /// <summary>The most probable label and all probabilities for each record (labels in the records are ignored).</summary>
    public List<ClassificationPrediction> Predict(IReadOnlyList<ClassificationRecord> records, int batchSize = 32)
    {
        var inputs = Examples(records.Select(r => r with { Label = null }).ToList(), "input", unknownLabelIsError: false);
        float[][] probabilities = PaddedInference.Probabilities(Model, inputs, batchSize);
        var result = new List<ClassificationPrediction>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            int best = PaddedInference.ArgMax(probabilities[i]);
            result.Add(new ClassificationPrediction(best, Labels[best], probabilities[i][best], probabilities[i], inputs[i].Line));
        }
        return result;
    }

    /// <summary>Confusion matrix of the predictions on labelled <paramref name="records"/>; an unknown label is an error.</summary>
    public ConfusionMatrix Evaluate(IReadOnlyList<ClassificationRecord> records, string? path = null, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(records);
        var unlabelled = records.FirstOrDefault(r => r.Label is null);
        if (unlabelled is not null)
            throw new InvalidDataException($"{(path is null ? "" : $"'{path}' ")}line {unlabelled.Line}: no label; evaluation needs labelled lines.");
        List<SequenceExample> examples = Examples(records, "evaluation", unknownLabelIsError: true, path);
        float[][] probabilities = PaddedInference.Probabilities(Model, examples, batchSize);
        var matrix = new ConfusionMatrix(Labels.Count);
        for (int i = 0; i < examples.Count; i++) matrix.Add(examples[i].Targets[0], PaddedInference.ArgMax(probabilities[i]));
        return matrix;
    }

    /// <inheritdoc/>
    public TaskDescription Description() => new ClassifierDescription(Format == ClassificationFormat.Tsv ? "tsv" : "csv",
        Encoder?.Kind ?? "numbers", Labels.Names.ToArray(), Standardisation);

    /// <inheritdoc/>
    public string? TokenizerJson => Encoder?.ToJson();

    /// <summary>Writes the classifier (network, labels, tokenizer) to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => TaskModelFile.Save(path, Model, Description(), TokenizerJson);

    /// <summary>Reads a classifier written by <see cref="Save"/>.</summary>
    public static SequenceClassifier Load(string path)
    {
        var (model, task, tokenizer) = TaskModelFile.Load(path);
        string full = Path.GetFullPath(path);
        if (task is not ClassifierDescription d)
            throw new InvalidDataException($"'{full}' is a '{task.Name}' model, not a classifier.");
        var labels = new Vocabulary(d.Labels);
        var format = d.Format == "csv" ? ClassificationFormat.Csv : ClassificationFormat.Tsv;
        TextEncoder? encoder = null;
        if (format == ClassificationFormat.Tsv)
        {
            if (tokenizer is null) throw new InvalidDataException($"'{full}': a text classifier without a tokenizer.");
            encoder = TextEncoder.FromJson(tokenizer);
            if (encoder.VocabularySize != model.Config.InputSize)
                throw new InvalidDataException($"'{full}': the tokenizer has {encoder.VocabularySize} ids but the model takes {model.Config.InputSize}.");
        }
        else if (model.Config.Input != InputKind.Dense)
            throw new InvalidDataException($"'{full}': a numeric (CSV) classifier needs dense inputs, but the model takes {model.Config.Input} inputs.");
        else if (d.Standardisation is { } s && s.Channels != model.Config.InputSize)
            throw new InvalidDataException($"'{full}': the standardisation has {s.Channels} channels but the model takes {model.Config.InputSize} numbers per step.");
        if (labels.Count != model.Config.OutputSize || model.Config.Head != HeadKind.LastStep)
            throw new InvalidDataException($"'{full}': {labels.Count} labels but the model has {model.Config.OutputSize} outputs on a {model.Config.Head} head.");
        return new SequenceClassifier(model, labels, format, encoder, format == ClassificationFormat.Csv ? d.Standardisation : null);
    }

    // A numeric record must be whole steps of f numbers (records made in code skip ClassificationData's check).
    private static void CheckSteps(ClassificationRecord r, int f, string what, string? path)
    {
        if (r.Values.Length % f != 0)
            throw new InvalidDataException($"{(path is null ? "" : $"'{path}' ")}line {r.Line}: the {what} sequence has {r.Values.Length} numbers, " +
                $"which is not a multiple of {f}, the numbers per step; give T·{f} numbers, step by step (step 1's {f} values, then step 2's, ...).");
    }
}
