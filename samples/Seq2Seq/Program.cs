// Seq2Seq sample: an LSTM encoder–decoder learns two-digit addition ("47+8" → "55", the Keras addition_rnn
// task made smaller), with reversed sources and teacher forcing; then greedy decoding and beam search on a
// few questions with the model's log-probability of each answer, and the held-out sequence and per-token
// accuracy. The full task is `rnn demo addition`.
// Run: dotnet run --project samples/Seq2Seq -c Release
using Recurrent.Training;
using Recurrent.Seq2Seq;
using Recurrent.Tasks;

var pairs = AdditionTask.Generate(count: 2400, digits: 2, seed: 7);
var train = pairs.Take(2000).ToList();
var validation = pairs.Skip(2000).ToList();
var options = new Seq2SeqTrainingOptions
{
    HiddenSize = 96, EmbeddingSize = 16, BatchSize = 32, LearningRate = 1e-2, LearningRateDecay = 0.85, Epochs = 20,
    ReverseSource = true, SourceLength = 5, MaxTargetLength = 3, TargetTokenAccuracy = 0.97, Seed = 1,
};
var result = Seq2SeqTraining.Run(train, validation, options,
    e => Console.WriteLine($"epoch {e.Epoch,5:F1}: loss {e.TrainLoss:F3}, validation exact {e.Validation.SequenceAccuracy:P1}, per-token {e.Validation.TokenAccuracy:P1}"));
Console.WriteLine($"{result.StopReason} after {result.Steps} updates ({result.Seconds:F1} s)");

var model = result.Model;
var vocab = result.Vocabulary;
var questions = validation.Take(6).Select(p => p.Source).ToList();
var greedy = Seq2SeqPredictor.Decode(model, vocab, questions);
var beam = Seq2SeqPredictor.Decode(model, vocab, questions, beam: 4);
for (int i = 0; i < questions.Count; i++)
    Console.WriteLine($"  {questions[i],5} → greedy {vocab.Decode(greedy[i].Tokens),-3} (log p {greedy[i].LogProbability,7:F3})   beam 4 {vocab.Decode(beam[i].Tokens),-3} (log p {beam[i].LogProbability,7:F3})");

var metrics = Seq2SeqMetrics.Compute(Seq2SeqPredictor.Predict(model, vocab, validation.Select(p => p.Source).ToList()), validation.Select(p => p.Target).ToList());
Console.WriteLine($"validation: sequence accuracy {metrics.SequenceAccuracy:P1}, per-token accuracy {metrics.TokenAccuracy:P1} ({metrics.Count} questions)");
return metrics.TokenAccuracy > 0.8 ? 0 : 1;
