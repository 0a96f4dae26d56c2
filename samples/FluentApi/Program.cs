// FluentApi sample: build a character-level LSTM with the fluent builder, train it for a few seconds with
// callbacks (a line every 20 updates, early stopping on held-out text with the best weights restored, a run
// directory with metrics.jsonl and checkpoints, Ctrl+C cancellation), then stream generated text with IAsyncEnumerable.
// Run: dotnet run --project samples/FluentApi -c Release
using System.Text;
using Recurrent.Api;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Serialization;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

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

string runDir = Path.Combine(Path.GetTempPath(), $"fluent-api-sample-{Environment.ProcessId}");
var run = new RunDirectory(runDir);
var trainer = new SequenceTrainer(model, new SequenceTrainerOptions
    {
        Steps = 200, BatchSize = 8, SequenceLength = 32, LearningRate = 5e-3,
        EvalEvery = 20, Patience = 4,   // early stopping on the held-out text; the best weights are put back at the end
    })
    .Add(new LambdaCallback
    {
        StepEnd = m => { if (m.Step % 20 == 0) Console.WriteLine($"step {m.Step,4}  epoch {m.Epoch:F2}  loss {m.Loss:F3}  |g| {m.GradientNorm:F2}"); },
        EpochEnd = e => Console.WriteLine($"epoch {e} done"),
        Evaluated = v => Console.WriteLine($"  validation {v.Loss:F3}{(v.Improved ? " (best)" : "")}"),
    })
    .Add(new MetricsLogWriter(run.Metrics));                            // metrics.jsonl, as `rnn train` writes it
trainer.Add(new CheckpointWriter(run, (path, state) =>                 // last/best.safetensors with the whole training state
    ModelFile.Save(path, model, tokenizer.ToJson(), state.ToJson(), trainer.Engine.Optimizer)));
Directory.CreateDirectory(runDir);
FitOutcome result = trainer.Fit(TokenStream.FromArray(train), TokenStream.FromArray(validation), cancel.Token);
Console.WriteLine($"stopped: {result.Reason} after {result.Step} updates; best validation {result.BestScore:F3} at step {result.BestStep}; run directory {runDir}");

Console.Write("sample: ");
var generator = new TextGenerator(model, tokenizer);
await foreach (string piece in generator.GenerateAsync("the ", maxTokens: 120, temperature: 0.6, seed: 7, cancel.Token))
    Console.Write(piece);
Console.WriteLine();
Directory.Delete(runDir, recursive: true);
