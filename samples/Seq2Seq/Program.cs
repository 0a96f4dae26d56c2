// Seq2Seq sample: an LSTM encoder–decoder learns two-digit addition ("47+8" → "55", the Keras addition_rnn
// task made smaller), with reversed sources and teacher forcing, trained by Seq2SeqTraining.Train on the library's
// one fit loop: Adam with a per-epoch learning-rate decay (the StepDecay schedule), greedy-decoding evaluation at
// every epoch end, a StopAtTarget callback that ends the run at 97% per-token accuracy and the best weights put
// back. Then greedy decoding and beam search on a few questions with the model's log-probability of each answer,
// and the held-out sequence and per-token accuracy. The full task is `rnn demo addition`.
// Run: dotnet run --project samples/Seq2Seq -c Release
using Recurrent.Seq2Seq;
using Recurrent.Demos;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

var pairs = AdditionDemo.Generate(count: 2400, digits: 2, seed: 7);
var train = pairs.Take(2000).ToList();
var validation = pairs.Skip(2000).ToList();
var options = new Seq2SeqTrainingOptions
{
    Model = new Seq2SeqSettings { HiddenSize = 96, EmbeddingSize = 16 },
    BatchSize = 32,
    Optimization = new OptimizationOptions
    {
        LearningRate = 1e-2, Schedule = LearningRateScheduleKind.StepDecay, LrDecay = 0.85, LrDecayAfter = 1,   // × 0.85 after every epoch
    },
    Fit = new FitOptions { Epochs = 20 },   // evaluate at every epoch end
    ReverseSource = true, SourceLength = 5, MaxTargetLength = 3, Seed = 1,
};
var progress = new LambdaCallback
{
    Evaluated = e => Console.WriteLine($"step {e.Step,4}: validation loss {e.Loss:F3}, exact {e.Evaluation["val_sequence_accuracy"]:P1}, " +
                                       $"per-token {e.Evaluation[Seq2SeqTraining.MonitoredMetric]:P1}"),
};
var result = Seq2SeqTraining.Train(train, validation, options, [progress, new StopAtTarget(0.97)]);
Console.WriteLine($"{result.Outcome.Reason} after {result.Outcome.Step} updates ({result.Outcome.ElapsedSeconds:F1} s)");

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
