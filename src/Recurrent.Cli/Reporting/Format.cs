// Format: how the commands print losses, numbers and durations (invariant culture, fixed widths).
using System.Globalization;

namespace Recurrent.Cli.Reporting;

/// <summary>Number and duration formatting shared by the commands (invariant culture).</summary>
internal static class Format
{
    public static string Loss(double? value) => value is double v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    /// <summary>A metric value: 4 decimals for values of ordinary size, 4 significant digits otherwise.</summary>
    public static string Metric(double value) =>
        double.IsFinite(value) && Math.Abs(value) >= 1e-3 && Math.Abs(value) < 1e5
            ? value.ToString("F4", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Duration(double seconds)
    {
        if (seconds < 60) return $"{seconds:F0}s";
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
    }
}
