// FluentApi sample: build a character-level LSTM with the fluent builder, train it for a few seconds with
// callbacks (metrics every 20 updates, early stopping on held-out text with the best weights restored, a
// checkpoint file, Ctrl+C cancellation), then stream generated text with IAsyncEnumerable.
// Run: dotnet run --project samples/FluentApi -c Release
using System.Text;
using Recurrent.Api;
using Recurrent.Data;
using Recurrent.LanguageModels;

// A small generated corpus: nursery-rhyme-like lines from a fixed vocabulary (deterministic).
string[] subjects = ["the cat", "a dog", "the old man", "my sister", "the baker"], verbs = ["sat on", "ran to", "looked at", "baked", "found"],
    objects = ["the mat", "a red hat", "the moon", "some bread", "the garden gate"];
var corpus = new StringBuilder();
for (int i = 0; i < 600; i++)
    corpus.Append(subjects[i * 7 % 5]).Append(' ').Append(verbs[i * 3 % 5]).Append(' ').Append(objects[i * 11 % 5]).Append(".\n");
string text = corpus.ToString();
int split = text.Length * 9 / 10;

var tokenizer = new CharTokenizer(text.Select(c => (int)c).Distinct().Order());
int[] train = tokenizer.Encode(text[..split]);
int[] validation = tokenizer.Encode(text[split..]);
Console.WriteLine($"corpus: {text.Length} characters, vocabulary {tokenizer.VocabularySize}");

var model = Model.Sequence()
    .Embedding(tokenizer.VocabularySize, 16)
    .Lstm(64, layers: 2, dropout: 0.1)
    .Dense(tokenizer.VocabularySize)
    .Build(seed: 42);
Console.WriteLine($"model: {model.Config.Cell} {model.Config.Layers}×{model.Config.HiddenSize}, {model.Parameters.Count:N0} parameters");

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };   // Ctrl+C stops after the current update

string checkpoint = Path.Combine(Path.GetTempPath(), $"fluent-api-sample-{Environment.ProcessId}.safetensors");
var stopping = new EarlyStopping(validation, patience: 4, everySteps: 20);
stopping.Evaluated += v => Console.WriteLine($"  validation {v.Loss:F3}{(v.Improved ? " (best)" : "")}");
var trainer = new SequenceTrainer(model, new SequenceTrainerOptions { Steps = 200, BatchSize = 8, SequenceLength = 32, LearningRate = 5e-3 })
    .Add(new MetricsCallback(
        onStep: m => Console.WriteLine($"step {m.Step,4}  epoch {m.Epoch:F2}  loss {m.Loss:F3}  |g| {m.GradientNorm:F2}  {m.TokensPerSecond:N0} tok/s"),
        onEpoch: e => Console.WriteLine($"epoch {e.Epoch} done: mean loss {e.MeanLoss:F3}"),
        every: 20))
    .Add(stopping)                                                     // before the checkpoint: it saves the restored weights
    .Add(new CheckpointCallback(checkpoint, tokenizer: tokenizer));
FitResult result = trainer.Fit(train, cancel.Token);
Console.WriteLine($"stopped: {result.Reason} after {result.Step} updates; best validation {stopping.BestLoss:F3} at step {stopping.BestStep}" +
    $"{(stopping.Restored ? " (weights restored)" : "")}; checkpoint {checkpoint}");

Console.Write("sample: ");
var generator = new TextGenerator(model, tokenizer);
await foreach (string piece in generator.GenerateAsync("the ", maxTokens: 120, temperature: 0.6, seed: 7, cancel.Token))
    Console.Write(piece);
Console.WriteLine();
File.Delete(checkpoint);
