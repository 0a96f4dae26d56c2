// PredictOutputTests: what `rnn predict` writes lines up with what it read, on the trained format-1 fixture models
// (Fixtures/format1): classify keeps one output line per input line (blank and comment lines give empty lines);
// seq2seq decodes every readable line and, for an unreadable one, writes an empty line in its place, reports it on
// stderr with file and line, and exits 2 at the end; forecast continues the file's time column (months, days,
// years) instead of numbering the steps, and numbers them only when the file has no time column.
using System.Globalization;
using System.Text.Json;
using Recurrent.Forecasting;

namespace Recurrent.Tests.Cli;

public sealed class PredictOutputTests : IDisposable
{
    private static readonly string Models = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1");
    private readonly string _dir = Directory.CreateTempSubdirectory("predict-output-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Model(string name) => Path.Combine(Models, name + ".safetensors");

    private static JsonElement Expected(string kind)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Models, "expected.json")));
        return doc.RootElement.GetProperty(kind).Clone();
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    // The output's lines; a final newline ends the last line rather than starting an empty one.
    private static string[] Lines(string text) => text.EndsWith('\n') ? text[..^1].Split('\n') : text.Split('\n');

    [Fact]
    public void Classify_BlankLines_GiveEmptyOutputLines_SoOutputLineNAnswersInputLineN()
    {
        string input = Write("in.txt", "abz\n\nddee\n   \nzzz\n\n");
        var r = CliRunner.Run("predict", Model("classify_text"), "--input", input);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[] lines = Lines(r.Stdout);
        Assert.Equal(6, lines.Length);
        Assert.Equal(["", "", ""], new[] { lines[1], lines[3], lines[5] });
        // The same labels as for the three texts without the blank lines around them.
        string[] recorded = Expected("classify_text").GetProperty("predicted").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal([recorded[0], recorded[1], recorded[2]], new[] { lines[0], lines[2], lines[4] }.Select(l => l.Split('\t')[0]));
        Assert.All(new[] { lines[0], lines[2], lines[4] }, l => Assert.InRange(double.Parse(l.Split('\t')[1], CultureInfo.InvariantCulture), 0.5, 1.0));

        // CSV: comment lines are skipped by the reader but still get their (empty) output line.
        string csv = Write("in.csv", "# first a positive one\n0.9,0.5,0.7\n\n-1,-1,-1\n");
        string output = Path.Combine(_dir, "labels.txt");
        r = CliRunner.Run("predict", Model("classify_numbers"), "--input", csv, "--output", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        lines = Lines(File.ReadAllText(output));
        Assert.Equal(4, lines.Length);
        Assert.Equal(("", ""), (lines[0], lines[2]));
        Assert.Equal(("pos", "neg"), (lines[1].Split('\t')[0], lines[3].Split('\t')[0]));
    }

    [Fact]
    public void Seq2Seq_UnreadableLines_AreReportedAndLeftEmpty_EveryOtherLineIsDecoded_ExitCode2()
    {
        // SourceLength is 4 and the vocabulary a..d: line 2 has a 'z', line 5 is too long, line 3 is blank.
        string input = Write("sources.txt", "abc\nabz\n\ndd\nabcdabcd\ncab\n");
        var r = CliRunner.Run("predict", Model("seq2seq"), "--input", input);
        Assert.Equal(2, r.ExitCode);
        string[] lines = Lines(r.Stdout);
        Assert.Equal(6, lines.Length);
        var e = Expected("seq2seq");
        string[] sources = e.GetProperty("sources").EnumerateArray().Select(x => x.GetString()!).ToArray();
        string[] predicted = e.GetProperty("predicted").EnumerateArray().Select(x => x.GetString()!).ToArray();
        string Recorded(string source) => predicted[Array.IndexOf(sources, source)];
        Assert.Equal([$"abc\t{Recorded("abc")}", "", "", $"dd\t{Recorded("dd")}", "", $"cab\t{Recorded("cab")}"], lines);

        string[] errors = Lines(r.Stderr);
        Assert.Equal(3, errors.Length);
        Assert.All(errors, l => Assert.StartsWith("rnn: ", l));
        Assert.Contains($"'{input}' line 2: the character 'z' (U+007A) at offset 2 is not in the model's vocabulary", errors[0]);
        Assert.Contains($"'{input}' line 5: the source \"abcdabcd\" has 8 characters; the model reads at most 4", errors[1]);
        Assert.Contains("2 of 5 lines", errors[2]);
        Assert.DoesNotContain("   at ", r.Stderr);

        // With --output the file holds the same aligned lines; the failure is still exit code 2.
        string output = Path.Combine(_dir, "decoded.tsv");
        r = CliRunner.Run("predict", Model("seq2seq"), "--input", input, "--output", output, "--beam", "2");
        Assert.Equal(2, r.ExitCode);
        lines = Lines(File.ReadAllText(output));
        Assert.Equal(6, lines.Length);
        Assert.Equal(["", "", ""], new[] { lines[1], lines[2], lines[4] });
        Assert.StartsWith("abc\t", lines[0]);
        Assert.Contains("decoded 3 lines (beam 2)", r.Stdout);
    }

    private string Series(string name, IEnumerable<string> times, bool header = true)
    {
        // The values only need to be plausible for the fixture model (a series around 100..135).
        string[] t = times.ToArray();
        var rows = t.Select((time, i) => string.Create(CultureInfo.InvariantCulture, $"{time},{110 + 5 * Math.Sin(i):F2}"));
        return Write(name, (header ? "time,value\n" : "") + string.Join('\n', rows) + "\n");
    }

    private static string[][] Rows(string stdout) => Lines(stdout).TakeWhile(l => !l.StartsWith("against", StringComparison.Ordinal)).Select(l => l.Split(',')).ToArray();

    [Fact]
    public void Forecast_ContinuesTheDateColumn_Monthly_Daily_Yearly()
    {
        // Monthly "YYYY-MM" across a year end.
        var months = Enumerable.Range(0, 10).Select(m => $"{1958 + (m + 3) / 12}-{(m + 3) % 12 + 1:00}");   // 1958-04 .. 1959-01
        var r = CliRunner.Run("predict", Model("forecast"), "--input", Series("monthly.csv", months), "--steps", "4");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[][] rows = Rows(r.Stdout);
        Assert.Equal(["time", "value"], rows[0]);
        Assert.Equal(["1959-02", "1959-03", "1959-04", "1959-05"], rows.Skip(1).Select(x => x[0]));
        Assert.All(rows.Skip(1), x => Assert.InRange(double.Parse(x[1], CultureInfo.InvariantCulture), 50, 200));

        // Daily dates over a month end, without a header (the first row is data, not a header).
        var days = Enumerable.Range(0, 8).Select(d => new DateTime(2023, 2, 20).AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        r = CliRunner.Run("predict", Model("forecast"), "--input", Series("daily.csv", days, header: false), "--steps", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        rows = Rows(r.Stdout);
        Assert.Equal(["2023-02-28", "2023-03-01", "2023-03-02"], rows.Skip(1).Select(x => x[0]));

        // Years as numbers; --from inside the file: its own years first, then the continuation.
        var years = Enumerable.Range(1990, 8).Select(y => y.ToString(CultureInfo.InvariantCulture));
        r = CliRunner.Run("predict", Model("forecast"), "--input", Series("yearly.csv", years), "--steps", "4", "--from", "6");
        Assert.True(r.ExitCode == 0, r.Stderr);
        rows = Rows(r.Stdout);
        Assert.Equal(["1996", "1997", "1998", "1999"], rows.Skip(1).Select(x => x[0]));
        Assert.Contains("against the file's rows 7..8", r.Stdout);

        // The date column survives --output, and the summary names it.
        string output = Path.Combine(_dir, "forecast.csv");
        r = CliRunner.Run("predict", Model("forecast"), "--input", Path.Combine(_dir, "monthly.csv"), "--steps", "2", "--output", output);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("time,value", Lines(File.ReadAllText(output))[0]);
        Assert.StartsWith("1959-02,", Lines(File.ReadAllText(output))[1]);
        Assert.Contains("dated by column 'time' (step 1 month)", r.Stdout);
    }

    [Fact]
    public void Forecast_WithoutATimeColumn_NumbersTheSteps()
    {
        // Only the value column; then an irregular date column (business days), which cannot be continued.
        string plain = Write("plain.csv", "value\n" + string.Join('\n', Enumerable.Range(0, 8).Select(i => (110 + i).ToString(CultureInfo.InvariantCulture))) + "\n");
        var r = CliRunner.Run("predict", Model("forecast"), "--input", plain, "--steps", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        string[][] rows = Rows(r.Stdout);
        Assert.Equal(["step", "value"], rows[0]);
        Assert.Equal(["9", "10", "11"], rows.Skip(1).Select(x => x[0]));

        string[] businessDays = ["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12"];
        r = CliRunner.Run("predict", Model("forecast"), "--input", Series("business.csv", businessDays), "--steps", "2");
        Assert.True(r.ExitCode == 0, r.Stderr);
        rows = Rows(r.Stdout);
        Assert.Equal(["step", "value"], rows[0]);
        Assert.Equal(["9", "10"], rows.Skip(1).Select(x => x[0]));
        Assert.Null(TimeAxis.Infer(businessDays));
    }
}
