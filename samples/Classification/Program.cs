// Classification sample (many-to-one): a small review file written here as TSV "label<TAB>text" — the label
// is positive, negative or neutral, decided by the adjective and by a "not" before it, so word order matters —
// read with ClassificationData, a word-level bidirectional LSTM trained by SequenceClassifier (early stopping on
// a separate validation set), then accuracy, macro-F1 and the confusion matrix on a held-out test set, new lines
// labelled with their class probabilities, and the model saved and reloaded (same probabilities).
// Run: dotnet run --project samples/Classification -c Release
using Recurrent.Classification;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

string[] good = ["great", "lovely", "superb", "fun", "charming"];
string[] bad = ["awful", "boring", "dull", "terrible", "clumsy"];
string[] plain = ["long", "french", "black-and-white", "two-hour", "recent"];
string[] nouns = ["film", "plot", "ending", "cast", "music", "script"];
string[] openers = ["the", "this", "honestly the", "i think the", "overall the"];

// One review: "<opener> <noun> was [not] <adjective> [<filler>]"; "not" flips positive and negative only.
(string Label, string Text) Review(Random rng)
{
    int kind = rng.Next(3);
    string adjective = (kind == 0 ? good : kind == 1 ? bad : plain)[rng.Next(5)];
    bool not = kind < 2 && rng.Next(2) == 0;
    string label = kind == 2 ? "neutral" : (kind == 0) != not ? "positive" : "negative";
    string filler = rng.Next(3) == 0 ? " in the end" : rng.Next(2) == 0 ? " to me" : "";
    return (label, $"{openers[rng.Next(openers.Length)]} {nouns[rng.Next(nouns.Length)]} was {(not ? "not " : "")}{adjective}{filler}");
}

string dir = Directory.CreateTempSubdirectory("classify-sample-").FullName;
string WriteTsv(string name, int count, int seed)
{
    var rng = new Random(seed);
    string path = Path.Combine(dir, name);
    File.WriteAllLines(path, Enumerable.Range(0, count).Select(_ => Review(rng)).Select(r => $"{r.Label}\t{r.Text}"));
    return path;
}

var train = ClassificationData.Read(WriteTsv("train.tsv", 600, 1), ClassificationFormat.Tsv, requireLabels: true);
var validation = ClassificationData.Read(WriteTsv("validation.tsv", 100, 2), ClassificationFormat.Tsv, requireLabels: true);
var test = ClassificationData.Read(WriteTsv("test.tsv", 200, 3), ClassificationFormat.Tsv, requireLabels: true);
Console.WriteLine($"{train.Count} training, {validation.Count} validation, {test.Count} test reviews, e.g. \"{train[0].Label}\t{train[0].Text}\"");

var settings = new ClassifierSettings { Tokens = "word", EmbeddingSize = 16, HiddenSize = 24, Bidirectional = true };
var options = new SupervisedOptions
{
    BatchSize = 16, Seed = 7,
    Optimization = new OptimizationOptions { LearningRate = 0.01, ClipNorm = 5 },
    Fit = new FitOptions { Epochs = 15, Patience = 3 },        // evaluate at every epoch end, stop after 3 without improvement
};
int epochs = 0;
var progress = new LambdaCallback
{
    EpochEnd = e => epochs = e,
    Evaluated = e => Console.WriteLine($"epoch {epochs,2}: validation loss {e.Evaluation["val_loss"]:F4}, accuracy {e.Evaluation["val_accuracy"]:P1}{(e.Improved ? " *" : "")}"),
};
var (classifier, outcome) = SequenceClassifier.Train(train, validation, ClassificationFormat.Tsv, settings, options, [progress]);
Console.WriteLine($"labels: {string.Join(", ", classifier.Labels.Names)}; kept the weights of step {outcome.BestStep} (lowest validation loss) of {outcome.Step}");

ConfusionMatrix matrix = classifier.Evaluate(test);
Console.WriteLine($"test: accuracy {matrix.Accuracy:P1}, macro-F1 {matrix.MacroF1:F3}");
Console.WriteLine($"confusion matrix (rows: true label, columns: predicted)");
Console.WriteLine($"  {"",-9}{string.Concat(classifier.Labels.Names.Select(n => $"{n,10}"))}");
for (int a = 0; a < matrix.Classes; a++)
    Console.WriteLine($"  {classifier.Labels[a],-9}{string.Concat(Enumerable.Range(0, matrix.Classes).Select(p => $"{matrix.Count(a, p),10}"))}");

// New lines without labels: the most probable label and every label's probability.
string[] lines = ["the music was not dull", "the cast was charming to me", "overall the script was recent", "this ending was not great in the end"];
var inputs = lines.Select((text, i) => new ClassificationRecord(null, text, [], i + 1)).ToList();
var predictions = classifier.Predict(inputs);
foreach (var (text, p) in lines.Zip(predictions))
    Console.WriteLine($"  {p.Label,-8} {p.Probability,7:P1}  \"{text}\"  ({string.Join(", ", classifier.Labels.Names.Select((n, i) => $"{n} {p.Probabilities[i]:F3}"))})");

string path = Path.Combine(dir, "classifier.safetensors");
classifier.Save(path);
var reloaded = SequenceClassifier.Load(path);
bool same = reloaded.Predict(inputs).Zip(predictions).All(x => x.First.Probabilities.SequenceEqual(x.Second.Probabilities));
Console.WriteLine($"saved and reloaded {path}: same probabilities {same}");
Directory.Delete(dir, recursive: true);

string[] expected = ["positive", "positive", "neutral", "negative"];
bool newLinesRight = predictions.Select(p => p.Label).SequenceEqual(expected);
if (!same || matrix.Accuracy < 0.9 || matrix.MacroF1 < 0.9 || !newLinesRight)
{
    Console.WriteLine($"unexpected result (wanted test accuracy and macro-F1 >= 0.9, new lines labelled {string.Join(", ", expected)})");
    return 1;
}
return 0;
