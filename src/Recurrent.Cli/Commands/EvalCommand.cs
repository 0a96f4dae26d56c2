// EvalCommand: `rnn eval MODEL --data FILE` — how well a language model predicts a text: mean cross-entropy in
// nats per token, bits per character (total bits over the characters predicted, so models with different
// tokenizers compare) and perplexity per token. The text is read with the model's tokenizer and evaluated as
// LanguageModelEvaluator does during training (B contiguous pieces, state carried over windows of T).
// With --dynamic (language models only) the text is scored by dynamic evaluation (DynamicEvaluation: each segment
// scored, then trained on, weights decayed toward the file's) and the static loss of the same layout is printed beside it.
// Task models (a "task" entry in the file) are evaluated by TaskEvaluation (classify, tag) or EvalTasks (forecast, seq2seq,
// caption: BLEU-1..4 of the pictures of --images against --data's captions).
using System.CommandLine;
using System.Text.Json;
using Recurrent.Data;
using Recurrent.LanguageModels;

namespace Recurrent.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A model file, or a run directory (uses its best.safetensors, else last.safetensors)." };
        var data = new Option<string[]>("--data") { Description = "Text to evaluate on: files, directories or globs.", Required = true, AllowMultipleArgumentsPerToken = true };
        var encoding = new Option<string?>("--encoding") { Description = "Text encoding of the files (default utf-8)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var batch = new Option<int>("--batch") { Description = "Pieces evaluated in parallel.", DefaultValueFactory = _ => 32 };
        var seqLength = new Option<int>("--seq-length") { Description = "Steps per window.", DefaultValueFactory = _ => 64 };
        var images = new Option<string?>("--images") { HelpName = "DIR", Description = "caption: the folder of the pictures the --data captions file (file name<TAB>caption lines) names." };
        var beam = new Option<int>("--beam") { HelpName = "K", Description = "caption: beam-search width (1 = greedy).", DefaultValueFactory = _ => 1 };
        var from = new Option<int?>("--from") { HelpName = "K", Description = "forecast: score only the forecasts of rows after the first K of each series; those rows are the history (and the scale of MASE)." };
        var defaults = new DynamicEvaluationOptions();
        var dynamic = new Option<bool>("--dynamic") { Description = "Language models: dynamic evaluation (Krause et al. 2018) — score each segment, then take an SGD step on it with decay toward the trained weights; the static loss is printed beside it. The model file is not changed." };
        var dynamicLr = new Option<double>("--dynamic-lr") { HelpName = "ETA", Description = $"With --dynamic: the SGD step η (0 = static).", DefaultValueFactory = _ => defaults.LearningRate };
        var dynamicDecay = new Option<double>("--dynamic-decay") { HelpName = "LAMBDA", Description = $"With --dynamic: the decay λ toward the trained weights per segment, in [0, 1].", DefaultValueFactory = _ => defaults.Decay };
        var dynamicSeqLength = new Option<int>("--dynamic-seq-length") { HelpName = "N", Description = $"With --dynamic: tokens per segment (one update each).", DefaultValueFactory = _ => defaults.SequenceLength };
        var cmd = new Command("eval", "Measure a language model on a text: loss (nats/token), bits per character, perplexity (--dynamic: dynamic evaluation beside the static figures); or a task model on its kind of file (seq2seq: accuracies; forecast: MAE, MASE and the naive and seasonal-naive baselines; caption: BLEU-1..4 with --images DIR).")
        {
            model, data, encoding, json, batch, seqLength, from, images, beam, dynamic, dynamicLr, dynamicDecay, dynamicSeqLength,
        };
        cmd.SetAction(parse =>
        {
            bool isDynamic = parse.GetValue(dynamic);
            // With --dynamic the batch defaults to one stream (Krause's setting) and windows are the segments.
            int b = isDynamic && !CommonOptions.Given(parse, batch) ? 1 : parse.GetValue(batch), t = parse.GetValue(seqLength);
            if (!isDynamic)
                foreach (var flag in new Option[] { dynamicLr, dynamicDecay, dynamicSeqLength })
                    if (CommonOptions.Given(parse, flag)) throw new UserFacingException($"{flag.Name} applies with --dynamic only.");
            if (isDynamic && CommonOptions.Given(parse, seqLength))
                throw new UserFacingException("--seq-length does not apply with --dynamic; the segment length is --dynamic-seq-length.");
            if (b <= 0) throw new UserFacingException($"--batch must be positive, got {b}.");
            if (t <= 0) throw new UserFacingException($"--seq-length must be positive, got {t}.");
            string modelPath = CommonOptions.ResolveModelPath(parse.GetValue(model)!);
            string? task = Recurrent.Supervised.TaskModelFile.PeekTask(modelPath);
            if (task is not Recurrent.Forecasting.ForecastFile.Task && CommonOptions.Given(parse, from))
                throw new UserFacingException($"--from applies to forecasting models only; '{modelPath}' is {(task is null ? "a language model" : $"a {task} model")}.");
            if (task is not null && isDynamic)
                throw new UserFacingException($"--dynamic applies to language models only; '{modelPath}' is a {task} model.");
            if (task is not Recurrent.Captioning.CaptionFile.Task)
                foreach (var flag in new Option[] { images, beam })
                    if (CommonOptions.Given(parse, flag))
                        throw new UserFacingException($"{flag.Name} applies to caption models only; '{modelPath}' is {(task is null ? "a language model" : $"a {task} model")}.");
            if (task is Recurrent.Captioning.CaptionFile.Task)
                return EvalTasks.Caption(modelPath, parse.GetValue(data)!, parse.GetValue(images), parse.GetValue(beam), parse.GetValue(json));
            if (task is Recurrent.Forecasting.ForecastFile.Task)
                return EvalTasks.Forecast(modelPath, parse.GetValue(data)!, parse.GetValue(from), parse.GetValue(json));
            if (task is not null)
                return task is Recurrent.Forecasting.ForecastFile.Task or Recurrent.Seq2Seq.Seq2SeqFile.Task // EvalTasks.cs
                    ? EvalTasks.Execute(task, modelPath, parse.GetValue(data)!, parse.GetValue(json))
                    : TaskEvaluation.Execute(modelPath, task, parse.GetValue(data)!, parse.GetValue(json));
            var file = LanguageModelFile.Load(modelPath);
            var corpus = CorpusSource.FromPaths(parse.GetValue(data)!, parse.GetValue(encoding));
            using TokenStream tokens = LanguageDataset.Encode(corpus, file.Tokenizer);
            if (tokens.Length < 2)
                throw new UserFacingException($"the text in {string.Join(", ", corpus.Files.Select(f => $"'{f}'"))} has {tokens.Length} token(s); evaluation needs at least 2.");
            DynamicEvaluationOptions? adapt = null;
            if (isDynamic)
            {
                adapt = new DynamicEvaluationOptions
                {
                    LearningRate = parse.GetValue(dynamicLr), Decay = parse.GetValue(dynamicDecay),
                    SequenceLength = parse.GetValue(dynamicSeqLength), Batch = b,
                };
                try { adapt.Validate(); }
                catch (ArgumentException e) { throw new UserFacingException(DynamicFlagError(e, adapt)); }
                t = adapt.SequenceLength;
            }
            EvaluationResult result = LanguageModelEvaluator.Evaluate(file.Model, tokens, b, t);
            EvaluationResult? staticResult = null;
            if (adapt is not null)
            {
                staticResult = result;
                result = DynamicEvaluation.Evaluate(file.Model, tokens, adapt);
            }
            long characters = PredictedCharacters(corpus, file.Tokenizer, tokens[0]);
            double bitsPerCharacter = result.TotalNats / Math.Log(2) / characters;
            if (parse.GetValue(json))
            {
                var o = new Dictionary<string, object>
                {
                    ["model"] = file.Path,
                    ["files"] = corpus.Files,
                    ["tokenizer"] = file.Tokenizer.Kind,
                    ["vocabulary"] = file.Tokenizer.VocabularySize,
                    ["tokens"] = tokens.Length,
                    ["predictions"] = result.Predictions,
                    ["characters"] = characters,
                    ["loss_nats_per_token"] = result.MeanLoss,
                    ["bits_per_character"] = bitsPerCharacter,
                    ["perplexity"] = result.Perplexity,
                };
                if (adapt is not null && staticResult is EvaluationResult s)
                {
                    o["dynamic"] = true;
                    o["dynamic_lr"] = adapt.LearningRate;
                    o["dynamic_decay"] = adapt.Decay;
                    o["dynamic_seq_length"] = adapt.SequenceLength;
                    o["batch"] = adapt.Batch;
                    o["static_loss_nats_per_token"] = s.MeanLoss;
                    o["static_bits_per_character"] = s.TotalNats / Math.Log(2) / characters;
                    o["static_perplexity"] = s.Perplexity;
                }
                Console.WriteLine(JsonSerializer.Serialize(o));
                return 0;
            }
            Console.WriteLine($"model: {file.Path}; {file.Tokenizer.Kind} tokenizer, {file.Tokenizer.VocabularySize} tokens");
            Console.WriteLine($"text: {string.Join(", ", corpus.Files)}; {characters + 1:N0} characters, {tokens.Length:N0} tokens ({result.Predictions:N0} predicted)");
            if (adapt is not null && staticResult is EvaluationResult st)
            {
                double staticBits = st.TotalNats / Math.Log(2) / characters;
                Console.WriteLine($"dynamic evaluation: η {adapt.LearningRate}, decay λ {adapt.Decay}, segments of {adapt.SequenceLength} tokens, {adapt.Batch} stream(s); static beside it");
                Console.WriteLine($"loss: {result.MeanLoss:F4} nats/token (static {st.MeanLoss:F4})");
                Console.WriteLine($"bits per character: {bitsPerCharacter:F4} (static {staticBits:F4})");
                Console.WriteLine($"perplexity: {result.Perplexity:F3} (per token; static {st.Perplexity:F3})");
                return 0;
            }
            Console.WriteLine($"loss: {result.MeanLoss:F4} nats/token");
            Console.WriteLine($"bits per character: {bitsPerCharacter:F4}");
            Console.WriteLine($"perplexity: {result.Perplexity:F3} (per token)");
            return 0;
        });
        return cmd;
    }

    /// <summary>The library's message for a bad <see cref="DynamicEvaluationOptions"/> value, restated with its flag.</summary>
    private static string DynamicFlagError(ArgumentException e, DynamicEvaluationOptions o) => e.ParamName switch
    {
        nameof(DynamicEvaluationOptions.LearningRate) => $"--dynamic-lr must be a finite number ≥ 0, got {o.LearningRate}.",
        nameof(DynamicEvaluationOptions.Decay) => $"--dynamic-decay must be in [0, 1], got {o.Decay}.",
        nameof(DynamicEvaluationOptions.SequenceLength) => $"--dynamic-seq-length must be positive, got {o.SequenceLength}.",
        _ => e.Message.Split(" (Parameter")[0],
    };

    /// <summary>Unicode scalar values of the text after its first token (the ones the model predicts).</summary>
    private static long PredictedCharacters(CorpusSource corpus, Tokenizer tokenizer, int firstToken)
    {
        long total = 0;
        foreach (var chunk in corpus.Read())
        {
            total += chunk.Text.Length;
            foreach (char c in chunk.Text) if (char.IsLowSurrogate(c)) total--;
        }
        string first = tokenizer.Decode([firstToken]);
        long firstScalars = first.Length - first.Count(char.IsLowSurrogate);
        return Math.Max(1, total - firstScalars);
    }
}
