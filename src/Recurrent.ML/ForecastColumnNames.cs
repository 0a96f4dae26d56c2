// ForecastColumnNames: the columns a fitted RecurrentForecast model reads and adds — the series column, the forecast
// column and the optional lower and upper bound columns — kept with the model (and in its file's metadata) so a
// loaded model and a resumed engine name them as the fitted one did.
namespace Recurrent.ML;

/// <summary>The columns of a RecurrentForecast model.</summary>
/// <param name="Input">The series column read (Single).</param>
/// <param name="Output">The forecast column added (Vector&lt;Single&gt;(H)).</param>
/// <param name="LowerBound">The lower-bound column added, or null.</param>
/// <param name="UpperBound">The upper-bound column added, or null.</param>
public sealed record ForecastColumnNames(string Input, string Output, string? LowerBound, string? UpperBound);
