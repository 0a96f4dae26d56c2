// TaskTraining: `rnn train --task classify|tag --data FILE` — trains a sequence classifier (TSV label<TAB>text
// or CSV label,v1,...,vn) or a CoNLL tagger with the library's SequenceClassifier / SequenceTagger, prints
// one line per epoch, and writes the model (the epoch with the lowest validation loss) to
// RUN_DIR/best.safetensors. Flags of the other tasks (language-model, forecast and seq2seq options) are refused.
using System.CommandLine;
using System.Globalization;
using Recurrent.Training;
using Recurrent.Classification;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Supervised;
using Recurrent.Tagging;

namespace Recurrent.Cli.Commands;

internal static class TaskTraining
{
    /// <summary>Trains --task classify or tag; <paramref name="otherTaskFlags"/> are the forecast/seq2seq-only options (refused here).</summary>
    public static int Execute(ParseResult parse, TrainCommand.Flags o, IEnumerable<Option> otherTaskFlags, string task)
    {
        Option[] used =
        [
            o.Task, o.Bidirectional, o.Data, o.Val, o.ValFraction, o.Tokenizer, o.Model, o.Layers, o.Hidden, o.Embedding,
            o.Dropout, o.Batch, o.Lr, o.Clip, o.Epochs, o.Patience, o.RunDir, o.Seed, o.Quiet,
        ];
        TrainCommand.RejectOthers(parse, task, used, [.. o.All, .. otherTaskFlags]);
        string data = Single(parse.GetValue(o.Data), "--data")
            ?? throw new UserFacingException($"--task {task} needs --data FILE ({(task == "tag" ? "CoNLL 'token tag' lines" : "label<TAB>text lines, or label,v1,...,vn for .csv")}).");
        string? val = Single(parse.GetValue(o.Val), "--val");
        if (val is not null && CommonOptions.Given(parse, o.ValFraction))
            throw new UserFacingException("give either --val or --val-fraction, not both.");

        string tokens = parse.GetValue(o.Tokenizer)?.ToLowerInvariant() ?? TokenizerKinds.Char;
        if (task == "classify" && tokens is not (TokenizerKinds.Char or TokenizerKinds.Word))
            throw new UserFacingException($"--tokenizer for --task classify is char or word, not '{tokens}'.");
        if (task == "tag" && CommonOptions.Given(parse, o.Tokenizer))
            throw new UserFacingException("--tokenizer does not apply to --task tag: CoNLL files are already split into tokens.");
        var settings = new ClassifierSettings
        {
            Cell = CommonOptions.ParseCell(parse.GetValue(o.Model) ?? "lstm"),
            HiddenSize = Positive(parse.GetValue(o.Hidden) ?? 64, "--hidden"),
            Layers = Positive(parse.GetValue(o.Layers) ?? 1, "--layers"),
            Bidirectional = parse.GetValue(o.Bidirectional),
            EmbeddingSize = parse.GetValue(o.Embedding) ?? 32,
            Dropout = parse.GetValue(o.Dropout) ?? 0,
            Tokens = tokens,
        };
        if (settings.EmbeddingSize < 0) throw new UserFacingException($"--embedding must be >= 0, got {settings.EmbeddingSize}.");
        if (!(settings.Dropout >= 0 && settings.Dropout < 1)) throw new UserFacingException($"--dropout must be in [0, 1), got {settings.Dropout}.");
        var options = new SupervisedOptions
        {
            Epochs = Positive(parse.GetValue(o.Epochs) ?? 20, "--epochs"),
            BatchSize = Positive(parse.GetValue(o.Batch) ?? 32, "--batch"),
            LearningRate = parse.GetValue(o.Lr) ?? 5e-3,
            ClipNorm = parse.GetValue(o.Clip) ?? 5,
            Patience = parse.GetValue(o.Patience) ?? 3,
            ValidationFraction = val is null ? parse.GetValue(o.ValFraction) ?? 0.1 : 0,
            Seed = parse.GetValue(o.Seed) ?? 1,
        };
        if (!(options.LearningRate > 0)) throw new UserFacingException($"--lr must be positive, got {options.LearningRate}.");
        if (!(options.ClipNorm >= 0)) throw new UserFacingException($"--clip must be >= 0, got {options.ClipNorm}.");
        if (options.Patience < 0) throw new UserFacingException($"--patience must be >= 0, got {options.Patience}.");
        if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
            throw new UserFacingException($"--val-fraction must be in [0, 1), got {options.ValidationFraction}.");

        string runDir = Path.GetFullPath(parse.GetValue(o.RunDir) ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        string modelPath = Path.Combine(runDir, RunDirectory.BestFile);
        if (File.Exists(modelPath))
            throw new UserFacingException($"'{modelPath}' already exists; choose another --run-dir. Nothing was changed.");
        bool quiet = parse.GetValue(o.Quiet);
        Action<EpochReport> progress = r =>
        {
            if (quiet) return;
            string validation = double.IsNaN(r.ValidationLoss) ? "" : $"  val loss {r.ValidationLoss:F4}  val accuracy {r.ValidationAccuracy:F4}{(r.Improved ? "  *" : "")}";
            Console.WriteLine($"epoch {r.Epoch,3}  train loss {r.TrainLoss:F4}{validation}");
        };

        if (task == "classify")
        {
            var format = ClassificationData.FormatOf(data);
            var records = ClassificationData.Read(data, format, requireLabels: true);
            List<ClassificationRecord> train = records, held = [];
            if (val is not null) held = ClassificationData.Read(val, format, requireLabels: true);
            else (train, held) = SupervisedTrainer.Split(records, options.ValidationFraction, options.Seed);
            if (!quiet)
                Console.WriteLine($"classify: {Path.GetFullPath(data)} ({(format == ClassificationFormat.Tsv ? $"text, {settings.Tokens} tokens" : "numeric sequences")}); " +
                                  $"{train.Count} training and {held.Count} validation examples; {settings.Cell} {settings.HiddenSize}x{settings.Layers}{(settings.Bidirectional ? " bidirectional" : "")}");
            var (classifier, _) = SequenceClassifier.Train(train, held, format, settings, options, progress);
            Directory.CreateDirectory(runDir);
            classifier.Save(modelPath);
            Console.WriteLine($"model: {modelPath} ({classifier.Labels.Count} labels: {string.Join(", ", classifier.Labels.Names)})");
        }
        else
        {
            var sentences = ConllReader.Read(data, requireTags: true);
            List<TaggedSentence> train = sentences, held = [];
            if (val is not null) held = ConllReader.Read(val, requireTags: true);
            else (train, held) = SupervisedTrainer.Split(sentences, options.ValidationFraction, options.Seed);
            if (!quiet)
                Console.WriteLine($"tag: {Path.GetFullPath(data)}; {train.Count} training and {held.Count} validation sentences; " +
                                  $"{settings.Cell} {settings.HiddenSize}x{settings.Layers}{(settings.Bidirectional ? " bidirectional" : "")}");
            var (tagger, _) = SequenceTagger.Train(train, held, settings, options, progress);
            Directory.CreateDirectory(runDir);
            tagger.Save(modelPath);
            Console.WriteLine($"model: {modelPath} ({tagger.Tags.Count} tags, {tagger.Words.Count} words)");
        }
        return 0;
    }

    private static string? Single(string[]? paths, string flag) => paths switch
    {
        null or [] => null,
        [var one] => one,
        _ => throw new UserFacingException($"{flag} takes one file for --task classify and tag, got {paths.Length}."),
    };

    private static int Positive(int value, string flag) =>
        value > 0 ? value : throw new UserFacingException($"{flag} must be positive, got {value}.");
}
