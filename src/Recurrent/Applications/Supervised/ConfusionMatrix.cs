// ConfusionMatrix: counts of (true class, predicted class) pairs and the metrics derived from them —
// accuracy, per-class precision, recall and F1, and macro-F1 (the unweighted mean of the per-class F1
// over the classes that occur in the truth or the predictions, as scikit-learn's f1_score(average="macro")
// with labels = the union of both; a class with no true and no predicted items is left out). Its counts as JSON rows
// are the "matrix" of predictions.json.
using System.Text.Json.Nodes;

namespace Recurrent.Supervised;

/// <summary>Classification counts: <c>Count(actual, predicted)</c>, and accuracy / precision / recall / F1.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts; // (C, C) row = actual, column = predicted

    /// <summary>An empty matrix over <paramref name="classes"/> classes.</summary>
    public ConfusionMatrix(int classes)
    {
        if (classes <= 0) throw new ArgumentException($"classes must be positive, got {classes}.", nameof(classes));
        Classes = classes;
        _counts = new long[classes * classes];
    }

    /// <summary>Number of classes C.</summary>
    public int Classes { get; }

    /// <summary>Items counted.</summary>
    public long Total { get; private set; }

    /// <summary>Counts one item of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public void Add(int actual, int predicted)
    {
        if ((uint)actual >= (uint)Classes) throw new ArgumentOutOfRangeException(nameof(actual), actual, $"Must be in 0..{Classes - 1}.");
        if ((uint)predicted >= (uint)Classes) throw new ArgumentOutOfRangeException(nameof(predicted), predicted, $"Must be in 0..{Classes - 1}.");
        _counts[actual * Classes + predicted]++;
        Total++;
    }

    /// <summary>Items of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long Count(int actual, int predicted) => _counts[actual * Classes + predicted];

    /// <summary>Items whose true class is <paramref name="c"/>.</summary>
    public long ActualCount(int c) { long s = 0; for (int p = 0; p < Classes; p++) s += Count(c, p); return s; }

    /// <summary>Items predicted as <paramref name="c"/>.</summary>
    public long PredictedCount(int c) { long s = 0; for (int a = 0; a < Classes; a++) s += Count(a, c); return s; }

    /// <summary>The counts as C JSON arrays of C numbers: row = actual class, column = predicted class.</summary>
    public JsonArray ToJsonRows()
    {
        var rows = new JsonArray();
        for (int a = 0; a < Classes; a++)
        {
            var row = new JsonArray();
            for (int p = 0; p < Classes; p++) row.Add(Count(a, p));
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Fraction predicted correctly (0 when empty).</summary>
    public double Accuracy
    {
        get
        {
            long right = 0;
            for (int c = 0; c < Classes; c++) right += Count(c, c);
            return Total == 0 ? 0 : (double)right / Total;
        }
    }

    /// <summary>Precision of class c: correct / predicted as c (0 when nothing was predicted as c).</summary>
    public double Precision(int c) { long p = PredictedCount(c); return p == 0 ? 0 : (double)Count(c, c) / p; }

    /// <summary>Recall of class c: correct / actually c (0 when no item is c).</summary>
    public double Recall(int c) { long a = ActualCount(c); return a == 0 ? 0 : (double)Count(c, c) / a; }

    /// <summary>F1 of class c: 2·P·R / (P + R), 0 when both are 0.</summary>
    public double F1(int c)
    {
        double p = Precision(c), r = Recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>Mean F1 over the classes present in the truth or the predictions (0 when empty).</summary>
    public double MacroF1
    {
        get
        {
            double sum = 0;
            int n = 0;
            for (int c = 0; c < Classes; c++)
            {
                if (ActualCount(c) == 0 && PredictedCount(c) == 0) continue;
                sum += F1(c);
                n++;
            }
            return n == 0 ? 0 : sum / n;
        }
    }
}
