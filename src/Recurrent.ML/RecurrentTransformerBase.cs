// RecurrentTransformerBase: what every fitted Recurrent model in ML.NET does the same way — a lazy Transform that
// appends the scored columns (ScoredDataView), the output schema, and the row-to-row mapper PredictionEngine and
// transformer chains ask for (ScoringMapper). A derived transformer says which columns it computes from which input
// (ScoredColumns over its IRowScorer) and how it is saved: mlContext.Model.Save cannot hold any of them (ML.NET 6
// gives a transformer outside ML.NET no way into its model zip; ModelSaveContext has no public members), so Save
// throws NotSupportedException naming the way that works, rather than writing a model that would not load.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

/// <summary>A trained Recurrent model in an ML.NET pipeline: the input rows with the scored columns appended.</summary>
public abstract class RecurrentTransformerBase : ITransformer
{
    private protected RecurrentTransformerBase() { }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <summary>
    /// <paramref name="inputSchema"/> with the scored columns appended. ArgumentOutOfRangeException naming the input
    /// column when it is missing or of the wrong type.
    /// </summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Columns(inputSchema).Output;
    }

    /// <summary>The rows of <paramref name="input"/>, lazily, with the scored columns.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(input, Columns(input.Schema));
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new ScoringMapper(Columns(inputSchema));
    }

    /// <summary>Always throws NotSupportedException: see the class remarks; each transformer names its own SaveRecurrentModel.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        $"A {What} cannot be saved with mlContext.Model.Save: ML.NET 6 lets no transformer outside ML.NET write itself into its model file. " +
        $"{SaveAdvice} The transforms before it, e.g. MapValueToKey, are saved with mlContext.Model.Save on their own.");

    /// <summary>The columns this transformer adds to <paramref name="input"/>, checked.</summary>
    private protected abstract ScoredColumns Columns(DataViewSchema input);
    /// <summary>What the model is, for the Save error ("Recurrent text classifier").</summary>
    private protected abstract string What { get; }
    /// <summary>How to save and load it instead, for the Save error.</summary>
    private protected abstract string SaveAdvice { get; }
}
