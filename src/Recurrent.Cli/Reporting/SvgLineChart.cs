// SvgLineChart: a small line chart written as inline SVG markup (no library, no external resources) for the
// HTML report — axes with "nice" ticks (1, 2, 5 × 10^k), grid lines, one path per series (markers where a
// series has few points), a legend and axis labels. Coordinates are in a fixed viewBox; CSS scales it.
using System.Globalization;
using System.Net;
using System.Text;

namespace Recurrent.Cli.Reporting;

/// <summary>One line of a chart: (x, y) points in x order, a legend name and a CSS colour.</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string Color);

/// <summary>Renders line charts as SVG elements.</summary>
internal static class SvgLineChart
{
    private const double Width = 640, Height = 320;
    private const double Left = 68, Right = 16, Top = 36, Bottom = 46;

    /// <summary>
    /// The &lt;svg&gt; element of a chart. Non-finite points are dropped. A chart without any point says so in
    /// its body and carries class "chart empty"; others carry class "chart" and data-points (the number drawn).
    /// </summary>
    public static string Render(string id, string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series)
    {
        var clean = series.Select(s => s with { Points = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList() })
            .Where(s => s.Points.Count > 0).ToList();
        int total = clean.Sum(s => s.Points.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{Esc(id)}\" class=\"chart{(total == 0 ? " empty" : "")}\" data-points=\"{total}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Esc(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{Left}\" y=\"22\">{Esc(title)}</text>");
        if (total == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"note\" x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">no data in this run</text></svg>");
            return svg.ToString();
        }

        var all = clean.SelectMany(s => s.Points).ToList();
        var (x0, x1) = Range(all.Min(p => p.X), all.Max(p => p.X));
        var (y0, y1) = Range(all.Min(p => p.Y), all.Max(p => p.Y));
        double[] xTicks = Ticks(x0, x1, 6), yTicks = Ticks(y0, y1, 5);
        x0 = Math.Min(x0, xTicks[0]); x1 = Math.Max(x1, xTicks[^1]);
        y0 = Math.Min(y0, yTicks[0]); y1 = Math.Max(y1, yTicks[^1]);
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Sx(double x) => Left + (x - x0) / (x1 - x0) * plotW;
        double Sy(double y) => Top + plotH - (y - y0) / (y1 - y0) * plotH;

        svg.Append("<g class=\"grid\">");
        foreach (double t in yTicks)
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Sy(t))}\" y2=\"{F(Sy(t))}\"/>");
        foreach (double t in xTicks)
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(Sx(t))}\" x2=\"{F(Sx(t))}\" y1=\"{Top}\" y2=\"{Top + plotH}\"/>");
        svg.Append("</g><g class=\"axis\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\"/>");
        foreach (double t in yTicks)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(Sy(t) + 4)}\" text-anchor=\"end\">{Esc(TickLabel(t, yTicks))}</text>");
        foreach (double t in xTicks)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Sx(t))}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\">{Esc(TickLabel(t, xTicks))}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + plotW / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Esc(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(14 {Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(yLabel)}</text>");
        svg.Append("</g>");

        foreach (var s in clean)
        {
            var d = new StringBuilder();
            for (int i = 0; i < s.Points.Count; i++)
                d.Append(i == 0 ? 'M' : 'L').Append(F(Sx(s.Points[i].X))).Append(' ').Append(F(Sy(s.Points[i].Y)));
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series\" data-name=\"{Esc(s.Name)}\" data-count=\"{s.Points.Count}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{d}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"/>");
            if (s.Points.Count <= 40)
                foreach (var p in s.Points)
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Sx(p.X))}\" cy=\"{F(Sy(p.Y))}\" r=\"3\" fill=\"{s.Color}\"/>");
            svg.Append("</g>");
        }

        double lx = Width - Right - 8;
        for (int i = 0; i < clean.Count; i++)
        {
            double ly = Top + 14 + i * 16;
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"legend\"><line x1=\"{F(lx - 130)}\" x2=\"{F(lx - 112)}\" y1=\"{F(ly - 4)}\" y2=\"{F(ly - 4)}\" stroke=\"{clean[i].Color}\" stroke-width=\"3\"/>" +
                $"<text x=\"{F(lx - 106)}\" y=\"{F(ly)}\">{Esc(clean[i].Name)}</text></g>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    // A value range with room around a single value.
    private static (double Lo, double Hi) Range(double lo, double hi)
    {
        if (hi > lo) return (lo, hi);
        double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
        return (lo - pad, hi + pad);
    }

    // About `count` ticks at multiples of 1, 2 or 5 × 10^k covering [lo, hi].
    internal static double[] Ticks(double lo, double hi, int count)
    {
        double raw = (hi - lo) / Math.Max(1, count);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        double step = magnitude * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10);
        double first = Math.Floor(lo / step) * step, last = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        for (double t = first; t <= last + step * 1e-9; t += step) ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return [.. ticks];
    }

    private static string TickLabel(double value, double[] ticks)
    {
        double step = ticks.Length > 1 ? ticks[1] - ticks[0] : 1;
        double largest = ticks.Max(Math.Abs);
        if (largest >= 1e6) return (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";
        if (largest >= 1e4) return (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k";
        if (largest > 0 && largest < 1e-3) return value.ToString("0.##E+0", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step) + 1e-9));
        return value.ToString("N" + decimals, CultureInfo.InvariantCulture);
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
