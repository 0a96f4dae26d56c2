// RecurrentForecastTransformer: the fitted RecurrentForecast model. Like ML.NET's SSA forecaster it is stateful down
// the rows: Transform appends the forecast column (Vector<Single>(H)) whose value at row t is the forecast of rows
// t+1..t+H made from the L = W + Lag rows ending at row t (rows before the first full window, and windows holding a
// NaN, get H NaNs), plus the optional lower/upper bound columns; the rows are read in order, never shuffled. Because a
// row's output depends on the rows before it, it is not a row-to-row mapper (no PredictionEngine): the engine
// (CreateForecastEngine) is the per-observation form. Saved with SaveRecurrentModel — the core forecaster's file plus
// the column names and the end of the training series — not mlContext.Model.Save.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Forecasting;

namespace Recurrent.ML;

/// <summary>A trained Recurrent forecaster in an ML.NET pipeline (made by <c>mlContext.Forecasting.RecurrentForecast(...).Fit</c>).</summary>
public sealed class RecurrentForecastTransformer : ITransformer
{
    private readonly double[] _warm;  // (≤ L) the last observations of the series Fit trained on, oldest first

    internal RecurrentForecastTransformer(Forecaster forecaster, ForecastColumnNames columns, IReadOnlyList<double> warm)
    {
        Forecaster = forecaster;
        Columns = columns;
        _warm = warm.Skip(Math.Max(0, warm.Count - forecaster.Spec.HistoryRows)).ToArray();
    }

    /// <summary>The core forecaster: network and spec (standardisation, window, horizon, differencing, quantiles).</summary>
    public Forecaster Forecaster { get; }
    /// <summary>The series column read and the columns added.</summary>
    public ForecastColumnNames Columns { get; }
    /// <summary>W, the window of observations the network reads.</summary>
    public int WindowSize => Forecaster.Spec.Window;
    /// <summary>H, the values forecast after each row.</summary>
    public int Horizon => Forecaster.Spec.Horizon;
    /// <summary>L = W + the rows differencing needs: the rows before a row that its forecast reads (itself included).</summary>
    public int ObservationsNeeded => Forecaster.Spec.HistoryRows;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => false;

    /// <summary>
    /// <paramref name="inputSchema"/> with the forecast (and bound) columns, Vector&lt;Single&gt;(H). ArgumentOutOfRangeException
    /// naming the series column when it is missing or not Single.
    /// </summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ForecastSeriesColumn.Check(inputSchema, Columns.Input, nameof(inputSchema));
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        var type = new VectorDataViewType(NumberDataViewType.Single, Horizon);
        foreach (string? name in AddedNames) if (name is not null) builder.AddColumn(name, type);
        return builder.ToSchema();
    }

    /// <summary>
    /// The rows of <paramref name="input"/>, lazily, in order, with the forecast of the next H rows after each. A cursor
    /// reads the series column from the first row on whatever rows it is asked for.
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ForecastDataView(input, this, GetOutputSchema(input.Schema));
    }

    /// <summary>Always throws: a row's forecast depends on the rows before it. Use <see cref="Transform"/> or <see cref="CreateForecastEngine"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new InvalidOperationException(
        "A Recurrent forecaster is stateful (each row's forecast reads the rows before it), so it has no row-to-row mapper and no PredictionEngine; " +
        "use Transform over the series, or CreateForecastEngine() for one observation at a time.");

    /// <summary>
    /// An engine holding the last L observations of the series Fit trained on (the input, then ValidationData's rows when
    /// given; for a loaded model, those saved with it), so its first Predict forecasts the rows after them.
    /// </summary>
    public RecurrentForecastEngine CreateForecastEngine() => new(Forecaster, Columns, _warm);

    /// <summary>Writes the model (a Recurrent forecaster file `rnn predict` reads), its column names and the end of the training series, atomically.</summary>
    public void SaveRecurrentModel(string path) => ForecastModelFile.Save(path, Forecaster, Columns, _warm);

    /// <summary>
    /// Reads a model written by <see cref="SaveRecurrentModel"/> or <see cref="RecurrentForecastEngine.CheckPoint"/> (or a
    /// one-column forecaster from `rnn train --task forecast`: columns "Value"/the model's column name and "Forecast").
    /// InvalidDataException for any other file.
    /// </summary>
    public static RecurrentForecastTransformer LoadRecurrentModel(string path)
    {
        var (forecaster, columns, history) = ForecastModelFile.Load(path);
        return new RecurrentForecastTransformer(forecaster, columns, history);
    }

    /// <summary>Always throws NotSupportedException naming the ways that work.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "A Recurrent forecaster cannot be saved with mlContext.Model.Save: ML.NET 6 lets no transformer outside ML.NET write itself into its model file, " +
        "and its forecast reads a window of past rows, which no row-to-row ML.NET transform can hold. Save it with " +
        "RecurrentForecastTransformer.SaveRecurrentModel(path) and load it with mlContext.Model.LoadRecurrentForecast(path), or checkpoint a live " +
        "engine with RecurrentForecastEngine.CheckPoint(path) and resume it with mlContext.Model.LoadRecurrentForecastEngine(path).");

    /// <summary>The added columns: forecast, lower bound, upper bound (null when not added).</summary>
    internal string?[] AddedNames => [Columns.Output, Columns.LowerBound, Columns.UpperBound];
}
