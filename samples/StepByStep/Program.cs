// StepByStep sample: stateful step-by-step inference (DL4J's rnnTimeStep). A GRU learns to predict the next
// value of a noisy sine wave (trained with the low-level Trainer on whole sequences), then an InferenceSession
// is fed one frame at a time — as a live sensor would deliver them — and keeps its state between calls. The
// step outputs equal those of one forward pass over the whole sequence. A character model does the same with
// token ids: it reads text one character at a time and shows its most likely next character.
// Run: dotnet run --project samples/StepByStep -c Release
using Recurrent.Api;
using Recurrent.Data;
using Recurrent.Optimizers;
using Recurrent.Randomness;
using Recurrent.Schedules;
using Recurrent.Training;

const int Steps = 40, Batch = 16;
var rng = new Rng(3);
float Wave(double t, double phase) => (float)(Math.Sin(0.3 * t + phase) + 0.05 * rng.Uniform(-1, 1));

// 1. Dense frames: x[t] = wave(t), target y[t] = wave(t + 1); shapes (T, B, 1).
var model = Model.Sequence().Input(1).Gru(24).Dense(1).Build(seed: 5);
var trainer = new Trainer<float>(model, new Adam<float>(model.Parameters.Count), new ConstantSchedule(1e-2), new TrainerOptions { ClipNorm = 1 });
var x = new float[Steps * Batch];
var y = new float[Steps * Batch];
double loss = 0;
for (int update = 1; update <= 300; update++)
{
    for (int b = 0; b < Batch; b++)
    {
        double phase = rng.Uniform(0, 2 * Math.PI);
        float next = Wave(0, phase);
        for (int t = 0; t < Steps; t++)
        {
            x[t * Batch + b] = next;
            next = Wave(t + 1, phase);
            y[t * Batch + b] = next;
        }
    }
    model.ResetState();
    loss = trainer.TrainRegression(x, y, ReadOnlySpan<float>.Empty, Steps, Batch).Loss;
    if (update % 100 == 0) Console.WriteLine($"update {update}: mean squared error {loss:F4}");
}

// Feed one new wave frame by frame; compare each step with the full-sequence forward pass.
float[] wave = Enumerable.Range(0, Steps + 1).Select(t => (float)Math.Sin(0.3 * t + 1.0)).ToArray();
float[] full = model.Forward(wave.AsSpan(0, Steps), Steps, batch: 1, training: false).ToArray();
var session = model.CreateSession();
double largest = 0, squared = 0;
for (int t = 0; t < Steps; t++)
{
    float predicted = session.Step(wave.AsSpan(t, 1))[0];
    largest = Math.Max(largest, Math.Abs(predicted - full[t]));
    squared += (predicted - wave[t + 1]) * (predicted - wave[t + 1]);
    if (t % 8 == 7) Console.WriteLine($"t={t,2}: input {wave[t],6:F3}  predicted next {predicted,6:F3}  actual {wave[t + 1],6:F3}");
}
Console.WriteLine($"step-by-step vs full sequence: largest difference {largest:E1}; prediction RMSE {Math.Sqrt(squared / Steps):F3}");
if (largest > 1e-5) { Console.Error.WriteLine("step-by-step outputs differ from the full forward pass"); return 1; }

// 2. Token ids: a character model reads a sentence one character at a time.
string text = string.Concat(Enumerable.Repeat("step by step, the state is kept. ", 30));
var tokenizer = new CharTokenizer(text.Select(c => (int)c).Distinct().Order());
var chars = Model.Sequence().Embedding(tokenizer.VocabularySize, 8).Lstm(32).Dense(tokenizer.VocabularySize).Build(seed: 1);
new SequenceTrainer(chars, new SequenceTrainerOptions { Steps = 150, BatchSize = 4, SequenceLength = 24, LearningRate = 1e-2 }).Fit(tokenizer.Encode(text));
var reader = chars.CreateSession();
Console.Write("reading 'step by step, the st' → next-character guesses: ");
foreach (int id in tokenizer.Encode("step by step, the st"))
{
    ReadOnlySpan<float> logits = reader.Step(id);
    int best = 0;
    for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[best]) best = v;
    Console.Write(tokenizer.TokenText(best));
}
Console.WriteLine();
reader.Reset();
return 0;
