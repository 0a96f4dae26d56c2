// SequenceTagger: the many-to-many synchronized task end to end — a SequenceModel over word ids with a
// per-step head (one tag per token), its word vocabulary (unknown = 0) and tag set; training with early
// stopping on padded batches whose padding positions are ignored by the loss (the fit loop with LabelledBatches),
// evaluation (token accuracy, conlleval entity P/R/F1), prediction, and saving (TaskModelFile: task "tag").
using Recurrent.Data;
using System.Text.Json;
using Recurrent.Applications;
using Recurrent.Classification;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Tagging;

/// <summary>A trained (or loaded) sequence tagger.</summary>
public sealed class SequenceTagger : ISupervisedModel
{
    /// <summary>The "task" value in the model file.</summary>
    public const string TaskName = "tag";

    private SequenceTagger(SequenceModel<float> model, Vocabulary words, Vocabulary tags)
    {
        Model = model;
        Words = words;
        Tags = tags;
    }

    /// <summary>The network (per-step head, one output per tag).</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>Token ids.</summary>
    public Vocabulary Words { get; }
    /// <summary>The tags, id = output index.</summary>
    public Vocabulary Tags { get; }

    /// <summary>A new, untrained tagger for <paramref name="train"/>: words and tags learnt from it, the network initialised from <paramref name="seed"/>; with <paramref name="memoryCheck"/>, a model too large for this machine's memory is refused before allocating.</summary>
    public static SequenceTagger Create(IReadOnlyList<TaggedSentence> train, ClassifierSettings settings, ulong seed, SupervisedOptions? memoryCheck = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(settings);
        if (train.Count == 0) throw new ArgumentException("There are no training sentences.", nameof(train));
        foreach (var s in train)
            if (s.Tags is null) throw new ArgumentException($"The training sentence on line {s.Line} has no tags.", nameof(train));
        var words = Vocabulary.OfWords(train.SelectMany(s => s.Tokens));
        var tags = Vocabulary.OfLabels(train.SelectMany(s => s.Tags!));
        var config = new ModelConfig
        {
            Input = settings.EmbeddingSize > 0 ? InputKind.Embedding : InputKind.OneHot,
            InputSize = words.Count,
            EmbeddingSize = settings.EmbeddingSize,
            Cell = settings.Cell,
            Activation = settings.Activation,
            GateActivation = settings.GateActivation,
            HiddenSize = settings.HiddenSize,
            Layers = settings.Layers,
            Bidirectional = settings.Bidirectional,
            Dropout = settings.Dropout,
            ForgetGateBias = settings.ModelForgetGateBias,
            Head = HeadKind.PerStep,
            OutputSize = tags.Count,
            WeightInit = WeightInit.XavierUniform,
        };
        if (memoryCheck is not null)
            ModelMemory.Check(config, memoryCheck.BatchSize, train.Max(s => s.Tokens.Length), memoryCheck.Optimization.OptimizerBuffers);
        return new SequenceTagger(new SequenceModel<float>(config, seed), words, tags);
    }

    /// <summary>
    /// A fit loop that trains this tagger on <paramref name="train"/> and evaluates it on <paramref name="validation"/>
    /// (loss, token accuracy, entity F1; none when empty; sentences with tags the model does not know are left out).
    /// </summary>
    public SupervisedFit CreateFit(IReadOnlyList<TaggedSentence> train, IReadOnlyList<TaggedSentence> validation, SupervisedOptions options,
        IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        List<SequenceExample> trainExamples = Examples(train, unknownTagIsError: true);
        var known = validation.Where(s => s.Tags is not null && s.Tags.All(t => Tags.TryGetId(t, out _))).ToList();
        List<SequenceExample> valExamples = Examples(known, unknownTagIsError: true);
        IEvaluator? evaluator = known.Count > 0 ? new TaggerValidation(this, known, valExamples, options.BatchSize) : null;
        return SupervisedFit.Create(Model, trainExamples, options, evaluator, known.Count, reducer);
    }

    /// <summary>
    /// Builds a tagger for <paramref name="train"/> and trains it in memory (no files); <paramref name="validation"/>
    /// (may be empty) drives early stopping and the parameters of the best evaluation are put back at the end.
    /// </summary>
    public static (SequenceTagger Tagger, FitOutcome Outcome) Train(
        IReadOnlyList<TaggedSentence> train, IReadOnlyList<TaggedSentence> validation, ClassifierSettings settings,
        SupervisedOptions options, IEnumerable<FitCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tagger = Create(train, settings, options.Seed);
        return (tagger, tagger.CreateFit(train, validation, options).RunInMemory(callbacks, cancellation));
    }

    /// <summary>
    /// The model inputs of <paramref name="sentences"/>: word ids and tag ids. A tag outside the tag set is an
    /// error naming the sentence's line when <paramref name="unknownTagIsError"/>; otherwise that token's
    /// target is ignored. Sentences without tags get ignored targets.
    /// </summary>
    public List<SequenceExample> Examples(IReadOnlyList<TaggedSentence> sentences, bool unknownTagIsError, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var examples = new List<SequenceExample>(sentences.Count);
        foreach (var s in sentences)
        {
            int[] ids = s.Tokens.Select(Words.Id).ToArray();
            int[] targets = new int[ids.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                targets[i] = -1;
                if (s.Tags is null) continue;
                if (Tags.TryGetId(s.Tags[i], out int id)) targets[i] = id;
                else if (unknownTagIsError)
                    throw new InvalidDataException($"{(path is null ? "" : $"'{path}' ")}line {s.Line + i}: the tag '{s.Tags[i]}' is not one the model knows ({string.Join(", ", Tags.Names)}).");
            }
            examples.Add(SequenceExample.OfTokens(ids, targets, s.Line));
        }
        return examples;
    }

    /// <summary>The most probable tag of every token of every sentence.</summary>
    public List<string[]> Predict(IReadOnlyList<TaggedSentence> sentences, int batchSize = 32)
    {
        var inputs = Examples(sentences.Select(s => s with { Tags = null }).ToList(), unknownTagIsError: false);
        float[][] probabilities = PaddedInference.Probabilities(Model, inputs, batchSize);
        int c = Tags.Count;
        var result = new List<string[]>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            var tags = new string[inputs[i].Tokens.Length];
            for (int t = 0; t < tags.Length; t++) tags[t] = Tags[PaddedInference.ArgMax(probabilities[i].AsSpan(t * c, c))];
            result.Add(tags);
        }
        return result;
    }

    /// <summary>Token accuracy and entity scores on tagged <paramref name="sentences"/>; an unknown tag is an error.</summary>
    public TaggingResult Evaluate(IReadOnlyList<TaggedSentence> sentences, string? path = null, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var untagged = sentences.FirstOrDefault(s => s.Tags is null);
        if (untagged is not null)
            throw new InvalidDataException($"{(path is null ? "" : $"'{path}' ")}line {untagged.Line}: a sentence without tags; evaluation needs 'token tag' lines.");
        List<SequenceExample> examples = Examples(sentences, unknownTagIsError: true, path);
        List<string[]> predicted = Predict(sentences, batchSize);
        var matrix = new ConfusionMatrix(Tags.Count);
        var entities = new EntityScorer();
        for (int i = 0; i < sentences.Count; i++)
        {
            for (int t = 0; t < predicted[i].Length; t++)
            {
                Tags.TryGetId(predicted[i][t], out int p);
                matrix.Add(examples[i].Targets[t], p);
            }
            entities.Add(sentences[i].Tags!, predicted[i]);
        }
        return new TaggingResult(matrix, entities);
    }

    /// <inheritdoc/>
    public TaskDescription Description() => new TaggerDescription(Tags.Names.ToArray(), Words.Entries.ToArray());

    /// <inheritdoc/>
    public string? TokenizerJson => null;

    /// <summary>Writes the tagger (network, words, tags) to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => TaskModelFile.Save(path, Model, Description(), TokenizerJson);

    /// <summary>Reads a tagger written by <see cref="Save"/>.</summary>
    public static SequenceTagger Load(string path)
    {
        var (model, task, _) = TaskModelFile.Load(path);
        string full = Path.GetFullPath(path);
        if (task is not TaggerDescription d)
            throw new InvalidDataException($"'{full}' is a '{task.Name}' model, not a tagger.");
        var tags = new Vocabulary(d.Tags);
        var words = Vocabulary.WithUnknown(d.Words);
        if (tags.Count != model.Config.OutputSize || words.Count != model.Config.InputSize || model.Config.Head != HeadKind.PerStep)
            throw new InvalidDataException($"'{full}': {words.Count} words and {tags.Count} tags do not fit the model ({model.Config.InputSize} inputs, {model.Config.OutputSize} outputs, {model.Config.Head} head).");
        return new SequenceTagger(model, words, tags);
    }
}
