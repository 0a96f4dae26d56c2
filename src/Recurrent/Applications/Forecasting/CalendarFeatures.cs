// CalendarFeatures: what a date/time column adds to a forecaster's inputs — the position of the predicted step in
// the calendar cycles its spacing can show, each as a (sin, cos) pair so December sits next to January: month of
// the year for monthly and quarterly series, day of the week and of the year for daily ones, day of the year for
// weekly ones, hour of the day and day of the week for hourly and finer ones. Yearly series have no cycle to show.
// The features are of the step being predicted (known ahead for any date), so the network reads at window step t
// the calendar of row t + H.
using System.Globalization;

namespace Recurrent.Forecasting;

/// <summary>The calendar features of a forecaster and the column they come from.</summary>
/// <param name="Column">The date/time column: header name or 1-based number.</param>
/// <param name="Layout">Its date/time layout (TimeAxis).</param>
/// <param name="Features">The cycles, from "month", "weekday", "yearday", "hour".</param>
public sealed record CalendarFeatures(string Column, string Layout, IReadOnlyList<string> Features)
{
    private static readonly string[] Known = ["month", "weekday", "yearday", "hour"];

    /// <summary>Features the network reads: a sine and a cosine per cycle.</summary>
    public int Count => Features.Count * 2;

    /// <summary>True when every cycle is known and the layout is a date/time layout.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsValid => Features is { Count: > 0 } && Features.All(Known.Contains) && TimeAxis.IsLayout(Layout) && Column is { Length: > 0 };

    /// <summary>
    /// The cycles that fit a column stepping by <paramref name="axis"/>; throws ArgumentException (naming the column
    /// and its step) for numbers, yearly steps and other spacings that show no cycle.
    /// </summary>
    public static CalendarFeatures For(string column, TimeAxis axis)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(axis);
        if (!axis.IsDate || axis.Layout is null)
            throw new ArgumentException($"the time column '{column}' holds numbers (step {axis.Step}), not dates, so it has no calendar; drop --time-column.", nameof(column));
        if (axis.Months < 0 || axis.Span < TimeSpan.Zero)
            throw new ArgumentException($"the time column '{column}' steps backwards (step {axis.Step}); sort the rows oldest first.", nameof(column));
        string[]? features = axis.Months switch
        {
            > 0 and < 12 => ["month"],
            >= 12 => null,
            _ when axis.Span < TimeSpan.FromDays(1) => ["hour", "weekday"],
            _ when axis.Span == TimeSpan.FromDays(1) => ["weekday", "yearday"],
            _ when axis.Span <= TimeSpan.FromDays(31) => ["yearday"],
            _ => null,
        };
        if (features is null)
            throw new ArgumentException($"the time column '{column}' steps by {axis.Step}, which shows no calendar cycle to learn; drop --time-column.", nameof(column));
        return new CalendarFeatures(column, axis.Layout, features);
    }

    /// <summary>The date of a value of the column; throws InvalidDataException when it is not in the column's layout.</summary>
    public DateTime Parse(string text) =>
        DateTime.TryParseExact(text.Trim(), Layout, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw new InvalidDataException($"\"{text}\" is not a date/time in the layout {Layout} of column '{Column}'.");

    /// <summary>Writes the <see cref="Count"/> features of <paramref name="time"/> into <paramref name="destination"/>.</summary>
    public void Write(DateTime time, Span<float> destination)
    {
        for (int i = 0; i < Features.Count; i++)
        {
            double turn = Features[i] switch
            {
                "month" => (time.Month - 1) / 12.0,
                "weekday" => (int)time.DayOfWeek / 7.0,
                "yearday" => (time.DayOfYear - 1) / 365.25,
                _ => (time.Hour + time.Minute / 60.0) / 24.0,
            };
            destination[2 * i] = (float)Math.Sin(2 * Math.PI * turn);
            destination[2 * i + 1] = (float)Math.Cos(2 * Math.PI * turn);
        }
    }
}
