// RecurrentForecastEstimator: the RecurrentForecast trainer — reads the series column (Single, rows in time order, no
// missing values) into a one-column TimeSeriesTable, makes it a ForecastSeries exactly as `rnn train --task forecast`
// makes a CSV column one (scaling statistics fitted on the training rows and stored in the spec, window, horizon,
// differencing, season; the last ValidationFraction of the rows — or ValidationData's rows appended after them —
// held out for early stopping), and trains a Forecaster through the library's one loop (Forecaster.Train: CreateFit →
// FitLoop with BestWeights). The fitted transformer keeps the last L rows of the series to warm-start its engine.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Forecasting;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.ML;

/// <summary>Trains a recurrent forecaster of a series column; made by <c>mlContext.Forecasting.RecurrentForecast</c>.</summary>
public sealed class RecurrentForecastEstimator : IEstimator<RecurrentForecastTransformer>
{
    private readonly RecurrentForecastOptions _options;

    internal RecurrentForecastEstimator(RecurrentForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// Trains on the series in <paramref name="input"/>'s column, row order = time order. ArgumentOutOfRangeException
    /// naming the column when it is missing or not Single; InvalidOperationException naming the row of a NaN;
    /// ArgumentException when the series is too short for a training and a validation window; OperationCanceledException when cancelled.
    /// </summary>
    public RecurrentForecastTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string name = _options.InputColumnName;
        double[] train = ForecastSeriesColumn.Read(input, name, nameof(input));
        double[] validation = _options.ValidationData is { } v ? ForecastSeriesColumn.Read(v, name, nameof(RecurrentForecastOptions.ValidationData)) : [];
        double[] all = [.. train, .. validation];
        if (all.Length == 0) throw new ArgumentException($"The series column '{name}' has no rows.", nameof(input));
        // With ValidationData the held-out tail is exactly its rows: round(N·(1 − V/N)) = the training rows.
        double fraction = validation.Length > 0 ? (double)validation.Length / all.Length : _options.ValidationFraction;
        var table = TimeSeriesTable.FromValues($"the series column '{name}'", [name], all);
        ForecastSeries series;
        try { series = ForecastSeries.FromTable(table, [name], [name], _options.ToTraining(fraction)); }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The series column '{name}' ({train.Length} rows{(validation.Length > 0 ? $" + {validation.Length} validation rows" : "")}): " +
                e.Message.Split(" (Parameter")[0], nameof(input), e);
        }
        FitCallback[] callbacks = _options.Progress is { } progress ? [new LambdaCallback { Logged = progress }] : [];
        var (forecaster, _) = Forecaster.Train(series, _options.ToSettings(), _options.ToTraining(fraction), callbacks, _options.CancellationToken);
        _options.CancellationToken.ThrowIfCancellationRequested();
        var columns = new ForecastColumnNames(name, _options.OutputColumnName, _options.ConfidenceLowerBoundColumn, _options.ConfidenceUpperBoundColumn);
        return new RecurrentForecastTransformer(forecaster, columns, all);
    }

    /// <summary>
    /// The schema shape after the transformer: <paramref name="inputSchema"/> with the forecast (and bound) columns,
    /// vectors of Single. ArgumentOutOfRangeException naming the series column when it is missing or not Single.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        string input = _options.InputColumnName;
        SchemaChecks.FindSingle(inputSchema, "series", input, nameof(inputSchema));
        // SchemaShape.Column has no public constructor: a vector of Single is the shape ML.NET's Concatenate promises.
        var ml = new MLContext(seed: 0);
        string?[] names = [_options.OutputColumnName, _options.ConfidenceLowerBoundColumn, _options.ConfidenceUpperBoundColumn];
        var added = names.OfType<string>()
            .Select(n => SchemaChecks.Lookup(ml.Transforms.Concatenate(n, input).GetOutputSchema(inputSchema), n)!.Value).ToList();
        return new SchemaShape(inputSchema.Where(c => added.All(a => a.Name != c.Name)).Concat(added));
    }
}
