// Task (a), order matters: temporal order (Hochreiter & Schmidhuber 1997, exp. 6a) from the library's own generator,
// TemporalOrder.Generate. Each sequence is written as a string of its symbols ("E", then distractors a b c d with
// an X or Y at a position in [T/10, T/5] and another in [T/2, 3T/5], then "B"); the class is the order of the two:
// XX → Q, XY → R, YX → S, YY → U. A bag of n-grams sees how many X's and Y's there are but not which came first, so
// it can tell Q and U apart from the rest but not R from S (at best 75%). One-hot symbol positions give a tree the
// positions themselves, which the task fixes (they do not depend on the sequence's length). The second variant
// puts 0 to T/2 random distractors before each sequence, so the marked positions move with each example: the
// one-hot positions no longer line up, while the order of the two marked symbols is as before.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Demos;
using Recurrent.ML;
using Recurrent.Randomness;

namespace MLNetComparison;

/// <summary>A temporal-order example: the symbol string, its class, and the one-hot symbols by position.</summary>
public sealed class OrderRow
{
    /// <summary>Class name (Q, R, S, U).</summary>
    public string Label { get; set; } = "";
    /// <summary>The sequence as a string of symbols.</summary>
    public string Text { get; set; } = "";
    /// <summary>One-hot symbol at each position (position-major, 8 symbols), zeros past the end.</summary>
    public float[] Positions { get; set; } = [];
}

internal static class TemporalOrderTask
{
    /// <summary>
    /// Minimal sequence length T of the full run (the paper's is 100; with this fixed training set of 2,700 sequences
    /// the LSTM below stayed at chance at T = 100 for some seeds, see docs/mlnet.md; --length changes it).
    /// </summary>
    public const int Length = 60;
    /// <summary>Training and test sequences of the full run.</summary>
    public const int TrainCount = 3000, TestCount = 1000;

    public static IEnumerable<ResultRow> Run(bool quick, ulong seed, bool offset, int? minLength = null, double? forgetBias = null)
    {
        string task = offset ? "temporal order, random offset" : "temporal order";
        int length = minLength ?? (quick ? 20 : Length), trainCount = quick ? 600 : TrainCount, testCount = quick ? 400 : TestCount;
        int maxOffset = offset ? length / 2 : 0;
        int maxLength = maxOffset + length + length / 10, symbols = TemporalOrder.Alphabet.Length;
        var rng = new Rng(seed ^ (offset ? 0x0FF5ul : 0x7E3Aul));
        var train = Generate(rng, length, trainCount, maxOffset, maxLength);
        var test = Generate(rng, length, testCount, maxOffset, maxLength);
        Console.WriteLine($"{task}: T = {length} (lengths {length}–{maxLength}), {trainCount} training and {testCount} test sequences, seed {seed}; " +
            $"the LSTM holds out {trainCount / 10} of the training sequences for early stopping");

        var ml = new MLContext(seed: (int)seed);
        var schema = SchemaDefinition.Create(typeof(OrderRow));
        schema[nameof(OrderRow.Positions)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, maxLength * symbols);
        var keys = Bench.Keys(ml, ml.Data.LoadFromEnumerable(train, schema));
        IDataView Keyed(IEnumerable<OrderRow> rows) => keys.Transform(ml.Data.LoadFromEnumerable(rows, schema));
        var trainView = Keyed(train);
        var testView = Keyed(test);

        var results = new List<ResultRow> { Bench.Majority(task, train.Select(r => r.Label), test.Select(r => r.Label).ToList()) };
        int validation = trainCount / 10;
        var lstm = ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions
        {
            Tokens = "char", Cell = RecurrentCell.Lstm, HiddenSize = 32, EmbeddingSize = 8,
            Epochs = quick ? 6 : 60, BatchSize = 32, LearningRate = 5e-3, Seed = seed, Patience = quick ? 3 : 10,
            ValidationData = Keyed(train.Take(validation)), ForgetGateBias = forgetBias,
        });
        string bias = forgetBias is double b ? $", forget bias {b.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "";
        results.Add(Bench.FitAndEvaluate(ml, task, $"Recurrent LSTM (RecurrentText, chars{bias})", lstm, Keyed(train.Skip(validation)), testView));
        results.Add(Bench.FitAndEvaluate(ml, task, "FeaturizeText + SdcaMaximumEntropy",
            Bench.Featurize(ml).Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()), trainView, testView));
        results.Add(Bench.FitAndEvaluate(ml, task, "FeaturizeText + LightGbm",
            Bench.Featurize(ml).Append(ml.MulticlassClassification.Trainers.LightGbm()), trainView, testView));
        results.Add(Bench.FitAndEvaluate(ml, task, "one-hot positions + LightGbm",
            ml.MulticlassClassification.Trainers.LightGbm(featureColumnName: nameof(OrderRow.Positions)), trainView, testView));
        return results;
    }

    private static List<OrderRow> Generate(Rng rng, int length, int count, int maxOffset, int maxLength)
    {
        var rows = new List<OrderRow>(count);
        int symbols = TemporalOrder.Alphabet.Length;
        var ids = new int[maxLength];
        for (int i = 0; i < count; i++)
        {
            int shift = maxOffset == 0 ? 0 : rng.NextInt(maxOffset + 1);
            for (int t = 0; t < shift; t++) ids[t] = rng.NextInt(4);   // distractors a b c d
            int n = shift + length + rng.NextInt(length / 10 + 1);
            int label = TemporalOrder.Generate(rng, n - shift, 1, 0, ids.AsSpan(shift));
            var text = new char[n];
            var positions = new float[maxLength * symbols];
            for (int t = 0; t < n; t++)
            {
                text[t] = TemporalOrder.Alphabet[ids[t]];
                positions[t * symbols + ids[t]] = 1;
            }
            rows.Add(new OrderRow { Label = TemporalOrder.Classes[label].ToString(), Text = new string(text), Positions = positions });
        }
        return rows;
    }
}
