// One-to-many sample (the captioning shape): a feature vector — here a one-hot colour and a one-hot shape,
// standing in for an image's features — becomes the decoder's initial state through a small projection,
// h0 = tanh(W f + b), and the decoder writes a caption. The projection learns only through the gradient of
// the initial state. Training runs on the library's one fit loop (ConditionedGeneratorTraining: the
// (features, caption) examples in seeded batches, Adam, a step budget, a callback printing the loss). After
// training, each feature vector gets its own caption, greedy and with beam search.
// Run: dotnet run --project samples/OneToMany -c Release
using Recurrent.Layers;
using Recurrent.Seq2Seq;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

string[] colours = ["red", "green", "blue"], shapes = ["circle", "square", "star"];
var captions = (from c in colours from s in shapes select $"a {c} {s}").ToList();
var vocab = Seq2SeqVocabulary.FromTexts(captions);
int features = colours.Length + shapes.Length;
var x = new float[captions.Count * features];
for (int i = 0; i < captions.Count; i++)
{
    x[i * features + i / shapes.Length] = 1;                  // colour one-hot
    x[i * features + colours.Length + i % shapes.Length] = 1; // shape one-hot
}

var model = new ConditionedGenerator<float>(new ConditionedGeneratorConfig
{
    Features = features, Vocabulary = vocab.Size, EmbeddingSize = 12, Cell = CellKind.Lstm, HiddenSize = 48, MaxLength = 20,
}, seed: 4);
var examples = captions.Select((c, i) => new ConditionedExample(x.AsSpan(i * features, features).ToArray(), vocab.Encode(c))).ToList();
var log = new LambdaCallback { StepEnd = s => { if (s.Step % 50 == 0) Console.WriteLine($"step {s.Step}: loss {s.Loss:F4} nats/char"); } };
ConditionedGeneratorTraining.Train(model, examples, batchSize: captions.Count, new OptimizationOptions { LearningRate = 1e-2 },
    new FitOptions { Steps = 300 }, callbacks: [log]);

var greedy = model.Generate(x, captions.Count);
var beam = model.Generate(x, captions.Count, beam: 3);
int right = 0;
for (int i = 0; i < captions.Count; i++)
{
    string g = vocab.Decode(greedy[i].Tokens), b = vocab.Decode(beam[i].Tokens);
    if (g == captions[i]) right++;
    Console.WriteLine($"  features [{string.Join(' ', x.AsSpan(i * features, features).ToArray())}] → \"{g}\" (beam 3: \"{b}\")");
}
Console.WriteLine($"{right}/{captions.Count} captions right");
return right == captions.Count ? 0 : 1;
