// EvalCommand: `rnn eval MODEL --data FILE` — how well a language model predicts a text: mean cross-entropy in
// nats per token, bits per character (total bits over the characters predicted, so models with different
// tokenizers compare) and perplexity per token. The text is read with the model's tokenizer and evaluated as
// LanguageModelEvaluator does during training (B contiguous pieces, state carried over windows of T).
// Task models (a "task" entry in the file) are evaluated by TaskEvaluation (classify, tag) or EvalTasks (forecast, seq2seq).
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
        var from = new Option<int?>("--from") { HelpName = "K", Description = "forecast: score only the forecasts of rows after the first K of each series; those rows are the history (and the scale of MASE)." };
        var cmd = new Command("eval", "Measure a language model on a text: loss (nats/token), bits per character, perplexity; or a task model on its kind of file (seq2seq: accuracies; forecast: MAE, MASE and the naive and seasonal-naive baselines).")
        {
            model, data, encoding, json, batch, seqLength, from,
        };
        cmd.SetAction(parse =>
        {
            int b = parse.GetValue(batch), t = parse.GetValue(seqLength);
            if (b <= 0) throw new UserFacingException($"--batch must be positive, got {b}.");
            if (t <= 0) throw new UserFacingException($"--seq-length must be positive, got {t}.");
            string modelPath = CommonOptions.ResolveModelPath(parse.GetValue(model)!);
            string? task = Recurrent.Supervised.TaskModelFile.PeekTask(modelPath);
            if (task is not Recurrent.Forecasting.ForecastFile.Task && CommonOptions.Given(parse, from))
                throw new UserFacingException($"--from applies to forecasting models only; '{modelPath}' is {(task is null ? "a language model" : $"a {task} model")}.");
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
            EvaluationResult result = LanguageModelEvaluator.Evaluate(file.Model, tokens, b, t);
            long characters = PredictedCharacters(corpus, file.Tokenizer, tokens[0]);
            double bitsPerCharacter = result.TotalNats / Math.Log(2) / characters;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
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
                }));
                return 0;
            }
            Console.WriteLine($"model: {file.Path}; {file.Tokenizer.Kind} tokenizer, {file.Tokenizer.VocabularySize} tokens");
            Console.WriteLine($"text: {string.Join(", ", corpus.Files)}; {characters + 1:N0} characters, {tokens.Length:N0} tokens ({result.Predictions:N0} predicted)");
            Console.WriteLine($"loss: {result.MeanLoss:F4} nats/token");
            Console.WriteLine($"bits per character: {bitsPerCharacter:F4}");
            Console.WriteLine($"perplexity: {result.Perplexity:F3} (per token)");
            return 0;
        });
        return cmd;
    }

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
