// MlNetForecastData: the seeded synthetic series of the ML.NET forecasting tests — a yearly-looking season of 12 rows
// on a rising trend with Gaussian-ish noise, y[t] = 10 + 0.05·t + 3·sin(2πt/12) + 0.3·noise — as rows of one Single
// column "Value", and a row type for a column of another type (schema errors). The naive forecast (the last value) is
// poor on it (the season moves ±3 in 6 rows), so a model that learned the season beats it clearly.
namespace Recurrent.Tests.EndToEnd.MlNet;

/// <summary>One observation of a series.</summary>
public sealed class SeriesRow
{
    public float Value { get; set; }
}

/// <summary>A series column of the wrong type (Double).</summary>
public sealed class DoubleSeriesRow
{
    public double Value { get; set; }
}

public static class MlNetForecastData
{
    /// <summary>The first <paramref name="rows"/> values of the series (the same values every run for a seed).</summary>
    public static float[] Seasonal(int rows, int seed = 1)
    {
        var rng = new Random(seed);
        var y = new float[rows];
        for (int t = 0; t < rows; t++)
        {
            double noise = rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5;  // mean 0, std 0.5
            y[t] = (float)(10 + 0.05 * t + 3 * Math.Sin(2 * Math.PI * t / 12) + 0.3 * noise);
        }
        return y;
    }

    /// <summary>The values as ML.NET rows.</summary>
    public static SeriesRow[] Rows(IEnumerable<float> values) => values.Select(v => new SeriesRow { Value = v }).ToArray();
}
