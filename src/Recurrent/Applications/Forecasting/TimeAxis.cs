// TimeAxis: the time column of a series — dates ("1949-01-31", "1949-01", "2020-03-01 13:00"), times of day
// ("13:30") or numbers (years, step counters) — and its continuation past the last row. The step is read from
// the last rows: a whole number of months when the day of the month stays the same ("1949-01" style months,
// quarters, years of dates) or every date is a month end, else a fixed time span (daily, weekly, hourly), or a fixed numeric increment
// (years as numbers, 0.5-unit steps). New values are written in the column's own format. Irregular columns
// (business days, gaps) have no axis: Infer returns null and the caller falls back to step numbers.
using System.Globalization;

namespace Recurrent.Forecasting;

/// <summary>A regular time column and how it continues.</summary>
public sealed class TimeAxis
{
    /// <summary>Rows at the end of the column that must all be one step apart.</summary>
    public const int RowsChecked = 6;

    // Date and time layouts recognised (invariant culture), tried in this order; the column keeps its layout.
    private static readonly string[] Layouts =
    [
        "yyyy-MM-dd", "yyyy-MM", "yyyy/MM/dd", "yyyy/MM", "dd.MM.yyyy",
        "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm",
        "yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm", "HH:mm:ss", "HH:mm",
    ];

    private readonly string? _layout;     // date/time layout, or null for numbers
    private readonly DateTime _lastDate;
    private readonly int _months;         // step in whole months (dates), or 0
    private readonly TimeSpan _span;      // step as a time span (dates), when _months is 0
    private readonly bool _monthEnd;      // monthly steps between month ends (Jan 31, Feb 29, Mar 31)
    private readonly decimal _lastNumber, _increment;
    private readonly int _decimals;

    private TimeAxis(string layout, DateTime last, int months, TimeSpan span, string step, bool monthEnd)
    {
        _layout = layout;
        _monthEnd = monthEnd;
        _lastDate = last;
        _months = months;
        _span = span;
        Step = step;
    }

    private TimeAxis(decimal last, decimal increment, int decimals)
    {
        _lastNumber = last;
        _increment = increment;
        _decimals = decimals;
        Step = (increment > 0 ? "+" : "") + increment.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The step in words: "1 month", "3 months", "1 day", "01:00:00", "+1", "-0.5".</summary>
    public string Step { get; }

    /// <summary>True for dates and times, false for a numeric column.</summary>
    public bool IsDate => _layout is not null;
    /// <summary>The date/time layout of the column, or null for numbers.</summary>
    public string? Layout => _layout;
    /// <summary>The step in whole months (dates stepping by months), else 0.</summary>
    public int Months => _months;
    /// <summary>The step as a time span (dates not stepping by months), else zero.</summary>
    public TimeSpan Span => _span;

    /// <summary>True when <paramref name="layout"/> is one of the recognised date/time layouts.</summary>
    public static bool IsLayout(string? layout) => layout is not null && Layouts.Contains(layout);

    /// <summary>The date <paramref name="steps"/> (≥ 1) steps after the last row; InvalidOperationException for a numeric column.</summary>
    public DateTime DateAfter(int steps)
    {
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (_layout is null) throw new InvalidOperationException("A numeric time column has no dates.");
        DateTime next = _months != 0 ? _lastDate.AddMonths(checked(steps * _months)) : _lastDate + steps * _span;
        return _monthEnd ? next.AddDays(DateTime.DaysInMonth(next.Year, next.Month) - next.Day) : next;
    }

    /// <summary>True when <paramref name="text"/> is a date or time in one of the recognised layouts.</summary>
    public static bool IsDateOrTime(string text) => LayoutOf(text) is not null;

    /// <summary>
    /// The axis of a column from its values in row order, or null when its last <see cref="RowsChecked"/> rows
    /// (at least 2) are not all dates (or times) of one layout, or all numbers, one constant non-zero step apart.
    /// </summary>
    public static TimeAxis? Infer(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2) return null;
        string[] last = values.Skip(Math.Max(0, values.Count - RowsChecked)).Select(v => v.Trim()).ToArray();
        return Dates(last) ?? Numbers(last);
    }

    /// <summary>The value <paramref name="steps"/> (≥ 1) steps after the last row, in the column's format.</summary>
    public string After(int steps)
    {
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (_layout is null)
            return (_lastNumber + steps * _increment).ToString("F" + _decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return DateAfter(steps).ToString(_layout, CultureInfo.InvariantCulture);
    }

    private static string? LayoutOf(string text)
    {
        foreach (string layout in Layouts)
            if (DateTime.TryParseExact(text.Trim(), layout, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) return layout;
        return null;
    }

    private static TimeAxis? Dates(string[] values)
    {
        string? layout = LayoutOf(values[^1]);
        if (layout is null) return null;
        var dates = new DateTime[values.Length];
        for (int i = 0; i < values.Length; i++)
            if (!DateTime.TryParseExact(values[i], layout, CultureInfo.InvariantCulture, DateTimeStyles.None, out dates[i])) return null;
        // Whole months: the same number of months between rows, the same time of day, and the same day of the month
        // (or every date the last day of its month: month ends).
        int MonthIndex(DateTime d) => d.Year * 12 + d.Month;
        bool MonthEnd(DateTime d) => d.Day == DateTime.DaysInMonth(d.Year, d.Month);
        int months = MonthIndex(dates[1]) - MonthIndex(dates[0]);
        bool sameDay = true, monthEnds = true, monthly = months != 0;
        for (int i = 0; i < dates.Length && monthly; i++)
        {
            sameDay &= dates[i].Day == dates[0].Day;
            monthEnds &= MonthEnd(dates[i]);
            monthly = dates[i].TimeOfDay == dates[0].TimeOfDay && (i == 0 || MonthIndex(dates[i]) - MonthIndex(dates[i - 1]) == months);
        }
        if (monthly && (sameDay || monthEnds))
            return new TimeAxis(layout, dates[^1], months, TimeSpan.Zero, $"{months} month{(Math.Abs(months) == 1 ? "" : "s")}", monthEnds && !sameDay);
        TimeSpan span = dates[1] - dates[0];
        if (span == TimeSpan.Zero) return null;
        for (int i = 1; i < dates.Length; i++)
            if (dates[i] - dates[i - 1] != span) return null;
        string step = span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{span.Days} day{(Math.Abs(span.Days) == 1 ? "" : "s")}" : span.ToString("c", CultureInfo.InvariantCulture);
        return new TimeAxis(layout, dates[^1], 0, span, step, monthEnd: false);
    }

    private static TimeAxis? Numbers(string[] values)
    {
        var numbers = new decimal[values.Length];
        int decimals = 0;
        for (int i = 0; i < values.Length; i++)
        {
            // Plain decimals only (no exponent, no thousands separator), so the continuation can keep their digits.
            if (!decimal.TryParse(values[i], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out numbers[i]))
                return null;
            int dot = values[i].IndexOf('.');
            if (dot >= 0) decimals = Math.Max(decimals, values[i].Length - dot - 1);
        }
        decimal increment = numbers[1] - numbers[0];
        if (increment == 0) return null;
        for (int i = 1; i < numbers.Length; i++)
            if (numbers[i] - numbers[i - 1] != increment) return null;
        return new TimeAxis(numbers[^1], increment, decimals);
    }
}
