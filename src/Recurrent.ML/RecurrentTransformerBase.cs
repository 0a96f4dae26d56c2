// RecurrentTransformerBase: what every fitted Recurrent model in ML.NET does the same way — a lazy Transform that
// appends the scored columns (ScoredDataView), the output schema, and the row-to-row mapper PredictionEngine and
// transformer chains ask for (ScoringMapper), and mlContext.Model.Save. A derived transformer says which columns it
// computes from which input (ScoredColumns over its IRowScorer) and what chain of ML.NET's own transformers
// reproduces it (SavedPipeline): ML.NET 6 gives a transformer outside ML.NET no way into its model zip
// (ModelSaveContext has no public members), but ICanSaveModel.Save is public, so Save hands the context to that chain,
// which ML.NET writes and later loads as its own. The chain is built on the first Save and kept.
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

    /// <summary>
    /// Writes the chain of ML.NET transformers that reproduces this model (tokenizer, ONNX graph, scoring columns; see
    /// docs/mlnet.md) into <paramref name="ctx"/>: what <c>mlContext.Model.Save</c> calls. NotSupportedException with
    /// the reason for a model that cannot be written so (word tokens, a layer-normalised or Mogrifier network, no
    /// native ONNX Runtime, ...); SaveRecurrentModel saves every model.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ITransformer chain;
        lock (_savedLock)
        {
            if (_saved is null || _savedSize != FeaturesSize) (_saved, _savedSize) = (SavedChain(), FeaturesSize);
            chain = _saved;
        }
        ((ICanSaveModel)chain).Save(ctx);
    }

    private readonly object _savedLock = new();
    private ITransformer? _saved;   // the chain last saved, built for _savedSize
    private int _savedSize;

    /// <summary>
    /// The size of the features vector column last seen (Fit, Transform, GetOutputSchema), 0 when it was of variable
    /// size or none was seen. ML.NET's OnnxTransformer feeds a vector of known size in the graph input's declared shape,
    /// so a chain for such a column declares it (SavedGraph); one for a variable-size column reads any length.
    /// </summary>
    private protected int FeaturesSize { get; set; }

    /// <summary>Notes the size of <paramref name="input"/>'s vector column <paramref name="column"/> (checked by <paramref name="columns"/>) for Save.</summary>
    private protected ScoredColumns Seen(DataViewSchema input, string column, ScoredColumns columns)
    {
        FeaturesSize = input[column].Type is VectorDataViewType vector ? vector.Size : 0;
        return columns;
    }

    /// <summary>The columns this transformer adds to <paramref name="input"/>, checked.</summary>
    private protected abstract ScoredColumns Columns(DataViewSchema input);
    /// <summary>The chain of ML.NET transformers that predicts as this one does (SavedPipeline), or NotSupportedException saying why there is none.</summary>
    private protected abstract ITransformer SavedChain();
}
