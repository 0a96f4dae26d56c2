// SequenceTagger: the many-to-many synchronized task end to end — a SequenceModel over word ids with a
// per-step head (one tag per token), its word vocabulary (unknown = 0) and tag set; training with early
// stopping on padded batches whose padding positions are ignored by the loss (SupervisedTrainer),
// evaluation (token accuracy, conlleval entity P/R/F1), prediction, and saving (TaskModelFile: task "tag").
using System.Text.Json;
using Recurrent.Classification;
using Recurrent.Initialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Supervised;

namespace Recurrent.Tagging;

/// <summary>A trained (or loaded) sequence tagger.</summary>
public sealed class SequenceTagger
{
    /// <summary>The "task" value in the model file.</summary>
    public const string TaskName = "tag";

    private SequenceTagger(SequenceModel<float> model, WordVocabulary words, LabelSet tags)
    {
        Model = model;
        Words = words;
        Tags = tags;
    }

    /// <summary>The network (per-step head, one output per tag).</summary>
    public SequenceModel<float> Model { get; }
    /// <summary>Token ids.</summary>
    public WordVocabulary Words { get; }
    /// <summary>The tags, id = output index.</summary>
    public LabelSet Tags { get; }

    /// <summary>
    /// Builds a tagger for <paramref name="train"/> (vocabulary and tag set learnt from it) and trains it;
    /// <paramref name="validation"/> (may be empty) drives early stopping. Sentences must carry tags.
    /// </summary>
    public static (SequenceTagger Tagger, IReadOnlyList<EpochReport> History) Train(
        IReadOnlyList<TaggedSentence> train, IReadOnlyList<TaggedSentence> validation, ClassifierSettings settings,
        SupervisedOptions options, Action<EpochReport>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        if (train.Count == 0) throw new ArgumentException("There are no training sentences.", nameof(train));
        foreach (var s in train)
            if (s.Tags is null) throw new ArgumentException($"The training sentence on line {s.Line} has no tags.", nameof(train));
        var words = WordVocabulary.FromTokens(train.SelectMany(s => s.Tokens));
        var tags = LabelSet.FromData(train.SelectMany(s => s.Tags!));
        var config = new ModelConfig
        {
            Input = settings.EmbeddingSize > 0 ? InputKind.Embedding : InputKind.OneHot,
            InputSize = words.Count,
            EmbeddingSize = settings.EmbeddingSize,
            Cell = settings.Cell,
            HiddenSize = settings.HiddenSize,
            Layers = settings.Layers,
            Bidirectional = settings.Bidirectional,
            Dropout = settings.Dropout,
            Head = HeadKind.PerStep,
            OutputSize = tags.Count,
            WeightInit = WeightInit.XavierUniform,
        };
        var tagger = new SequenceTagger(new SequenceModel<float>(config, options.Seed), words, tags);
        var history = SupervisedTrainer.Train(tagger.Model, tagger.Examples(train, unknownTagIsError: true),
            tagger.Examples(validation, unknownTagIsError: false), options, progress, cancellation);
        return (tagger, history);
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
        float[][] probabilities = SupervisedTrainer.Probabilities(Model, inputs, batchSize);
        int c = Tags.Count;
        var result = new List<string[]>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            var tags = new string[inputs[i].Tokens.Length];
            for (int t = 0; t < tags.Length; t++) tags[t] = Tags[SupervisedTrainer.ArgMax(probabilities[i].AsSpan(t * c, c))];
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

    /// <summary>Writes the model with its task description (tags, vocabulary).</summary>
    public void Save(string path)
    {
        string task = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["task"] = TaskName,
            ["tags"] = Tags.Names,
            ["words"] = Words.Words.ToArray(),
        });
        TaskModelFile.Save(path, Model, task, tokenizerJson: null);
    }

    /// <summary>Reads a tagger written by <see cref="Save"/>.</summary>
    public static SequenceTagger Load(string path)
    {
        var (model, task, _) = TaskModelFile.Load(path);
        string full = Path.GetFullPath(path);
        if (TaskModelFile.String(task, "task", full) != TaskName)
            throw new InvalidDataException($"'{full}' is a '{TaskModelFile.String(task, "task", full)}' model, not a tagger.");
        var tags = new LabelSet(TaskModelFile.Strings(task, "tags", full));
        var words = new WordVocabulary(TaskModelFile.Strings(task, "words", full));
        if (tags.Count != model.Config.OutputSize || words.Count != model.Config.InputSize || model.Config.Head != HeadKind.PerStep)
            throw new InvalidDataException($"'{full}': {words.Count} words and {tags.Count} tags do not fit the model ({model.Config.InputSize} inputs, {model.Config.OutputSize} outputs, {model.Config.Head} head).");
        return new SequenceTagger(model, words, tags);
    }
}
