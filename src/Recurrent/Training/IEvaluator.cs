// IEvaluator and Evaluation: how the fit loop scores a model on held-out data. An evaluation is a set of named
// metrics (val_loss, val_accuracy, val_entity_f1, val_mae, val_sequence_accuracy, ...) and the one of them that
// decides "best" — with its direction — for best checkpoints, early stopping and best-weight restore.
namespace Recurrent.Training;

/// <summary>Scores the model being trained on held-out data (dropout off; the training state is left as it was).</summary>
public interface IEvaluator
{
    /// <summary>Evaluates the model as it is now.</summary>
    Evaluation Evaluate();
}

/// <summary>One evaluation's metrics, and which of them decides the best model.</summary>
/// <param name="Metrics">Named metrics in the order they are shown (names as in metrics.jsonl).</param>
/// <param name="Monitor">The metric that decides the best model; must be in <paramref name="Metrics"/>.</param>
/// <param name="HigherIsBetter">True for accuracies and F1, false for losses and errors.</param>
public sealed record Evaluation(IReadOnlyList<KeyValuePair<string, double>> Metrics, string Monitor, bool HigherIsBetter)
{
    /// <summary>The value of <see cref="Monitor"/>.</summary>
    public double Score => this[Monitor] ?? double.NaN;

    /// <summary>The validation loss, when the evaluation has one ("val_loss").</summary>
    public double? Loss => this["val_loss"];

    /// <summary>The metric called <paramref name="name"/>, or null.</summary>
    public double? this[string name]
    {
        get
        {
            foreach (var (key, value) in Metrics)
                if (key == name) return value;
            return null;
        }
    }

    /// <summary>True when <paramref name="score"/> is better than <paramref name="best"/> (a NaN score never is).</summary>
    public bool IsBetter(double score, double? best) =>
        !double.IsNaN(score) && (best is not double b || (HigherIsBetter ? score > b : score < b));

    /// <summary>An evaluation with only a loss, monitored low.</summary>
    public static Evaluation OfLoss(double loss) => new([new("val_loss", loss)], "val_loss", HigherIsBetter: false);
}
