// RecurrentForecastCatalog: the entry points of the Recurrent forecaster — on mlContext.Forecasting (ML.NET's own
// ForecastingCatalog, where Microsoft.ML.TimeSeries puts ForecastBySsa; the catalog itself is in Microsoft.ML, so no
// TimeSeries package is needed) in two forms, column names and a few settings as ForecastBySsa takes them, or an
// options object; and the loaders of a saved model and of a checkpointed engine on mlContext.Model. Beside
// RecurrentCatalog rather than in it, one concept per file.
using Microsoft.ML;

namespace Recurrent.ML;

/// <summary>Recurrent's forecaster in ML.NET's catalogs.</summary>
public static class RecurrentForecastCatalog
{
    /// <summary>
    /// A recurrent network (LSTM) that forecasts the next <paramref name="horizon"/> values of the Single series
    /// <paramref name="inputColumnName"/> (rows in time order) from the last <paramref name="windowSize"/>; its transformer
    /// adds <paramref name="outputColumnName"/> (Vector&lt;Single&gt;(horizon)) at every row, and the bound columns when named
    /// (a band of <paramref name="confidenceLevel"/> from quantile forecasts), as ML.NET's <c>ForecastBySsa</c> does.
    /// </summary>
    public static RecurrentForecastEstimator RecurrentForecast(this ForecastingCatalog catalog, string outputColumnName, string inputColumnName,
        int windowSize, int horizon, int hiddenSize = 32, int epochs = 100, float confidenceLevel = 0.95f,
        string? confidenceLowerBoundColumn = null, string? confidenceUpperBoundColumn = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentForecastEstimator(new RecurrentForecastOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, WindowSize = windowSize, Horizon = horizon,
            HiddenSize = hiddenSize, Epochs = epochs, ConfidenceLevel = confidenceLevel,
            ConfidenceLowerBoundColumn = confidenceLowerBoundColumn, ConfidenceUpperBoundColumn = confidenceUpperBoundColumn,
        });
    }

    /// <summary>The recurrent forecaster with every setting of <paramref name="options"/>.</summary>
    public static RecurrentForecastEstimator RecurrentForecast(this ForecastingCatalog catalog, RecurrentForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new RecurrentForecastEstimator(options);
    }

    /// <summary>
    /// Reads a forecaster saved with <see cref="RecurrentForecastTransformer.SaveRecurrentModel"/> or
    /// <see cref="RecurrentForecastEngine.CheckPoint"/>: the same forecasts, columns and engine warm start.
    /// </summary>
    public static RecurrentForecastTransformer LoadRecurrentForecast(this ModelOperationsCatalog catalog, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RecurrentForecastTransformer.LoadRecurrentModel(path);
    }

    /// <summary>Resumes an engine written by <see cref="RecurrentForecastEngine.CheckPoint"/>: it holds the same observations and predicts the same bits.</summary>
    public static RecurrentForecastEngine LoadRecurrentForecastEngine(this ModelOperationsCatalog catalog, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RecurrentForecastTransformer.LoadRecurrentModel(path).CreateForecastEngine();
    }
}
