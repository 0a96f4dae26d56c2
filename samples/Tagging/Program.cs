// Tagging sample (many-to-many, synchronized): CoNLL-style files written here — one "token tag" line per word,
// a blank line between sentences, BIO tags for people (PER) and places (LOC), with names of one or two words
// and some words that are a person in one sentence and a place in another ("Jordan", "Georgia"), so only the
// context decides — read with ConllReader, a bidirectional LSTM tagger trained by SequenceTagger, then token
// accuracy and conlleval-style entity precision/recall/F1 on held-out sentences, and a new sentence tagged.
// Run: dotnet run --project samples/Tagging -c Release
using Recurrent.Data;
using Recurrent.Classification;
using Recurrent.Supervised;
using Recurrent.Training;
using Recurrent.Training.Callbacks;
using Recurrent.Tagging;

string[][] people = [["Anna"], ["Boris", "Lee"], ["Maria", "Costa"], ["Jordan"], ["Georgia"], ["Tom"], ["Ines", "Silva"], ["Kenji"]];
string[][] places = [["Paris"], ["New", "York"], ["Lisbon"], ["Jordan"], ["Georgia"], ["Osaka"], ["San", "Diego"], ["Oslo"]];
string[][] templates =
[
    ["P", "lives", "in", "L", "."],
    ["P", "met", "P", "in", "L", "."],
    ["yesterday", "P", "flew", "to", "L", "."],
    ["P", "and", "P", "visited", "L", "last", "week", "."],
    ["the", "weather", "in", "L", "was", "cold", "."],
    ["P", "said", "that", "L", "is", "far", "from", "L", "."],
    ["we", "called", "P", "about", "the", "trip", "."],
];

// One sentence from a random template: P and L slots become names with B-/I- tags, other words are O.
List<(string Token, string Tag)> Sentence(Random rng)
{
    var words = new List<(string, string)>();
    foreach (string slot in templates[rng.Next(templates.Length)])
    {
        if (slot is not ("P" or "L")) { words.Add((slot, "O")); continue; }
        string type = slot == "P" ? "PER" : "LOC";
        string[] name = (slot == "P" ? people : places)[rng.Next(8)];
        for (int i = 0; i < name.Length; i++) words.Add((name[i], (i == 0 ? "B-" : "I-") + type));
    }
    return words;
}

string dir = Directory.CreateTempSubdirectory("tagging-sample-").FullName;
string WriteConll(string name, int count, int seed)
{
    var rng = new Random(seed);
    string path = Path.Combine(dir, name);
    File.WriteAllText(path, string.Concat(Enumerable.Range(0, count).Select(_ =>
        string.Concat(Sentence(rng).Select(w => $"{w.Token} {w.Tag}\n")) + "\n")));
    return path;
}

var train = ConllReader.Read(WriteConll("train.conll", 400, 1), requireTags: true);
var validation = ConllReader.Read(WriteConll("validation.conll", 60, 2), requireTags: true);
var test = ConllReader.Read(WriteConll("test.conll", 150, 3), requireTags: true);
Console.WriteLine($"{train.Count} training, {validation.Count} validation, {test.Count} test sentences, e.g. " +
                  string.Join(" ", train[0].Tokens.Zip(train[0].Tags!, (w, t) => $"{w}/{t}")));

var settings = new ClassifierSettings { EmbeddingSize = 16, HiddenSize = 32, Bidirectional = true };
var options = new SupervisedOptions
{
    BatchSize = 16, Seed = 5,
    Optimization = new OptimizationOptions { LearningRate = 0.01, ClipNorm = 5 },
    Fit = new FitOptions { Epochs = 12, Patience = 3 },
};
int epochs = 0;
var progress = new LambdaCallback
{
    EpochEnd = e => epochs = e,
    Evaluated = e => Console.WriteLine($"step {e.Step,4}: validation loss {e.Evaluation["val_loss"]:F4}, token accuracy {e.Evaluation["val_token_accuracy"]:P1}, " +
        $"entity F1 {e.Evaluation["val_entity_f1"]:F3}{(e.Improved ? " *" : "")}"),
};
var (tagger, outcome) = SequenceTagger.Train(train, validation, settings, options, [progress]);
Console.WriteLine($"{tagger.Words.Count} words (id 0 = {Vocabulary.UnknownToken}), tags: {string.Join(", ", tagger.Tags.Names)}; {epochs} epochs run");

TaggingResult result = tagger.Evaluate(test);
EntityScorer entities = result.Entities;
Console.WriteLine($"test: token accuracy {result.Tokens.Accuracy:P2}; entities: precision {entities.Precision():F3}, recall {entities.Recall():F3}, F1 {entities.F1():F3} " +
                  $"({entities.CorrectChunks()} of {entities.GoldChunks()} true, {entities.PredictedChunks()} predicted)");
foreach (string type in entities.Types)
    Console.WriteLine($"  {type}: precision {entities.Precision(type):F3}, recall {entities.Recall(type):F3}, F1 {entities.F1(type):F3}");

// A new sentence (known words, an arrangement no template makes): "Jordan" is a person here, "Georgia" a place.
string[] tokens = ["yesterday", "Jordan", "and", "Maria", "Costa", "flew", "to", "Georgia", "."];
string[] expected = ["O", "B-PER", "O", "B-PER", "I-PER", "O", "O", "B-LOC", "O"];
string[] tags = tagger.Predict([new TaggedSentence(tokens, null, 1)])[0];
Console.WriteLine("new sentence: " + string.Join(" ", tokens.Zip(tags, (w, t) => $"{w}/{t}")));

string path = Path.Combine(dir, "tagger.safetensors");
tagger.Save(path);
bool same = SequenceTagger.Load(path).Predict([new TaggedSentence(tokens, null, 1)])[0].SequenceEqual(tags);
Console.WriteLine($"saved and reloaded {path}: same tags {same}");
Directory.Delete(dir, recursive: true);

if (!same || result.Tokens.Accuracy < 0.95 || entities.F1() < 0.9 || !tags.SequenceEqual(expected))
{
    Console.WriteLine($"unexpected result (wanted token accuracy >= 0.95, entity F1 >= 0.9 and the new sentence tagged {string.Join(" ", expected)})");
    return 1;
}
return 0;
