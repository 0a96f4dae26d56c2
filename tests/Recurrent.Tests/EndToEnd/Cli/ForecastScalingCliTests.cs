// The forecasting options from the command line: a quantile model on a trending noisy series (per-window scaling,
// the default) prints the baselines in its training log, writes each quantile beside the point forecast, draws the
// band, reports coverage, MASE and the baselines in `rnn eval --json`, and exports to ONNX with a task.json whose
// recipe alone reproduces the library's quantiles; a many-series model is trained, evaluated per series and
// continued per series; a model that loses to the naive forecast says so; misuse gives one clear line, exit 2.
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Recurrent.Forecasting;
using Recurrent.Interop;

namespace Recurrent.Tests.Cli;

public sealed class ForecastScalingCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forecast-scaling-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // A rising line with a 10-step cycle and uniform noise of ±1: it leaves its training range within the held-out tail.
    private string Trending(int rows, int seed = 4)
    {
        var rng = new Random(seed);
        return Write("trend.csv", "t,value\n" + string.Concat(Enumerable.Range(0, rows).Select(t =>
            $"{t},{F(50 + 0.8 * t + 6 * Math.Sin(2 * Math.PI * t / 10) + 2 * rng.NextDouble() - 1)}\n")));
    }

    [Fact]
    public void QuantileModel_BaselinesCoverageBandAndOnnxExport()
    {
        string csv = Trending(400), run = Path.Combine(_dir, "q");
        // --season-diff 0: per-window scaling alone, so the ONNX recipe below is the plain one.
        var train = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "20", "--quantiles", "0.1,0.5,0.9", "--hidden", "16",
            "--epochs", "30", "--lr", "0.01", "--season-diff", "0", "--run-dir", run);
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        Assert.Contains("scaling: per window (minus its last value, over its own std); season 10 (detected from the training rows' autocorrelation)", train.Stdout);
        Assert.Contains("pinball loss on quantiles 0.1, 0.5, 0.9 on scaled values", train.Stdout);
        Assert.Matches(@"baselines on the validation windows: naive \(last value\) MAE \S+, seasonal naive \(S=10\) MAE \S+", train.Stdout);
        Assert.Matches(@"validation \(best weights\): MAE \S+ \(MASE \S+\); naive MAE", train.Stdout);
        Assert.Contains("quantile coverage (share of true values at or below each): ", train.Stdout);

        var eval = CliRunner.Run("eval", run, "--data", csv, "--from", "320", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        using var json = JsonDocument.Parse(eval.Stdout);
        var root = json.RootElement;
        Assert.Equal(80, root.GetProperty("windows").GetInt32());    // rows 321..400, one step each
        double mae = root.GetProperty("mae").GetDouble();
        Assert.True(mae < root.GetProperty("naive_mae").GetDouble() && mae < root.GetProperty("seasonal_naive_mae").GetDouble(), eval.Stdout);
        Assert.True(root.GetProperty("beats_naive").GetBoolean() && root.GetProperty("beats_seasonal_naive").GetBoolean());
        Assert.True(root.GetProperty("mase").GetDouble() < 1, eval.Stdout);
        var coverage = root.GetProperty("quantile_coverage").EnumerateArray().Select(c => c.GetProperty("share_below").GetDouble()).ToArray();
        Assert.Equal(3, coverage.Length);
        Assert.True(coverage[0] < coverage[1] && coverage[1] < coverage[2], eval.Stdout);
        Assert.InRange(root.GetProperty("interval_coverage").GetDouble(), 0.5, 1.0);

        string pred = Path.Combine(_dir, "pred.csv"), png = Path.Combine(_dir, "band.png");
        var predict = CliRunner.Run("predict", run, "--input", csv, "--from", "380", "--steps", "30", "--output", pred, "--plot", png);
        Assert.True(predict.ExitCode == 0, predict.Stdout + predict.Stderr);
        var lines = File.ReadAllLines(pred);
        Assert.Equal("t,value,value_q0.1,value_q0.5,value_q0.9", lines[0]);
        Assert.Equal(31, lines.Length);
        foreach (string line in lines.Skip(1))
        {
            double[] v = line.Split(',').Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(v[0], v[2]);                  // the point forecast is the median
            Assert.True(v[1] <= v[2] && v[2] <= v[3], line);
        }
        Assert.Matches(@"against the file's rows 381\.\.400: MAE \S+ \(MASE \S+\); naive MAE \S+, seasonal naive \(S=10\) MAE", predict.Stdout);
        Assert.Contains("quantile coverage", predict.Stdout);
        Assert.True(new FileInfo(png).Length > 1000);

        // ONNX with only task.json's numbers: per-window scaling of the input, quantiles mapped back with the same level and scale.
        string onnx = Path.Combine(_dir, "q.onnx");
        var export = CliRunner.Run("export", run, "--format", "onnx", "--out", onnx);
        Assert.True(export.ExitCode == 0, export.Stdout + export.Stderr);
        using var task = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "q.task.json")));
        var t = task.RootElement;
        Assert.Equal("window", t.GetProperty("normalize").GetString());
        Assert.Equal([0.1, 0.5, 0.9], t.GetProperty("quantiles").EnumerateArray().Select(e => e.GetDouble()));
        int w = t.GetProperty("window").GetInt32();
        double[] window = File.ReadAllLines(csv).Skip(1).Take(w).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        double level = window[^1], mean = window.Average(), scale = Math.Sqrt(window.Average(v => (v - mean) * (v - mean)));
        using var session = new InferenceSession(onnx);
        var forecaster = ForecastFile.Load(Path.Combine(run, "best.safetensors"));
        var c = forecaster.Model.Config;
        using var features = OrtValue.CreateTensorValueFromMemory(window.Select(v => (float)((v - level) / scale)).ToArray(), [w, 1, 1]);
        using var h0 = OrtValue.CreateTensorValueFromMemory(new float[c.HiddenSize], [1, 1, c.HiddenSize]);
        using var c0 = OrtValue.CreateTensorValueFromMemory(new float[c.HiddenSize], [1, 1, c.HiddenSize]);
        using var results = session.Run(new RunOptions(), new Dictionary<string, OrtValue>
        {
            [OnnxExport.FeaturesInput] = features, [OnnxExport.InitialH] = h0, [OnnxExport.InitialC] = c0,
        }, [OnnxExport.Output]);
        double[] viaOnnx = results[0].GetTensorDataAsSpan<float>().ToArray().Select(z => z * scale + level).ToArray();
        double[] viaLibrary = forecaster.PredictQuantiles(window, 1);
        Assert.Equal(3, viaOnnx.Length);
        for (int i = 0; i < 3; i++) Assert.Equal(viaLibrary[i], viaOnnx[i], 1e-3);
    }

    [Fact]
    public void ManySeries_OneModelEvaluatedAndContinuedPerSeries()
    {
        var rng = new Random(8);
        var text = new System.Text.StringBuilder("store,month,sales\n");
        string[] stores = ["north", "south"];
        for (int s = 0; s < 2; s++)
            for (int t = 0; t < 150; t++)
                text.Append($"{stores[s]},{new DateTime(2010, 1, 1).AddMonths(t):yyyy-MM},{F((s + 1) * 100 * (5 + Math.Sin(2 * Math.PI * t / 12 + s)) + t + rng.NextDouble())}\n");
        string csv = Write("stores.csv", text.ToString()), run = Path.Combine(_dir, "many");
        var train = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "sales", "--series-column", "store", "--time-column", "month",
            "--window", "24", "--hidden", "16", "--epochs", "25", "--lr", "0.01", "--run-dir", run);
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        Assert.Contains("2 series (column 'store'), the last 20% of each held out", train.Stdout);
        Assert.Contains("calendar of 'month' (month)", train.Stdout);

        var eval = CliRunner.Run("eval", run, "--data", csv, "--from", "130");
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        Assert.Matches(@"  north: MAE \S+, MASE \S+, naive \S+, seasonal naive \S+", eval.Stdout);
        Assert.Matches(@"  south: MAE \S+, MASE \S+, naive \S+, seasonal naive \S+", eval.Stdout);
        Assert.Matches(@"overall \(errors pooled over the series' values, MASE the mean of theirs\): MAE \S+ \(MASE \S+\); naive MAE \S+, seasonal naive \(S=12\) MAE \S+; MSE \S+ \(40 values", eval.Stdout);

        string pred = Path.Combine(_dir, "stores-pred.csv");
        var predict = CliRunner.Run("predict", run, "--input", csv, "--steps", "6", "--output", pred);
        Assert.True(predict.ExitCode == 0, predict.Stdout + predict.Stderr);
        var lines = File.ReadAllLines(pred);
        Assert.Equal("month,store,sales", lines[0]);
        Assert.Equal(["2022-07,north", "2022-08,north", "2022-09,north", "2022-10,north", "2022-11,north", "2022-12,north",
                      "2022-07,south", "2022-08,south", "2022-09,south", "2022-10,south", "2022-11,south", "2022-12,south"],
            lines.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))));
        // Each series continues at its own size (south is about twice north).
        double North(int i) => double.Parse(lines[1 + i].Split(',')[2], CultureInfo.InvariantCulture);
        double South(int i) => double.Parse(lines[7 + i].Split(',')[2], CultureInfo.InvariantCulture);
        Assert.All(Enumerable.Range(0, 6), i => Assert.InRange(South(i) / North(i), 1.3, 3.0));
    }

    [Fact]
    public void AModelThatLosesToTheNaiveForecastSaysSo()
    {
        // A random walk: the last value is the best forecast there is; a tiny model trained for one epoch does worse.
        var rng = new Random(1);
        double y = 100;
        string csv = Write("walk.csv", "t,y\n" + string.Concat(Enumerable.Range(0, 300).Select(t => { y += rng.NextDouble() * 2 - 1; return $"{t},{F(y)}\n"; })));
        string run = Path.Combine(_dir, "walk");
        var train = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "8", "--hidden", "4", "--epochs", "1", "--lr", "0.001", "--run-dir", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        var eval = CliRunner.Run("eval", run, "--data", csv);
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        Assert.Single(eval.Stdout.Split('\n'), l => l.StartsWith("warning: the model does not beat the naive forecast (repeating the last value: MAE ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--normalize", "sometimes", "--normalize must be window, global or none, got 'sometimes'.")]
    [InlineData("--quantiles", "0.9,0.1", "--quantiles must increase, got 0.9,0.1.")]
    [InlineData("--quantiles", "0.5,1.5", "--quantiles takes levels strictly between 0 and 1, e.g. 0.1,0.5,0.9; '1.5' is not one.")]
    [InlineData("--season-diff", "1", "--season-diff must be a season of 2 or more steps, or 0 for none, got 1; --difference is the lag-1 difference.")]
    [InlineData("--season", "0", "--season must be positive, got 0.")]
    [InlineData("--known", "value", "the column 'value' is both known ahead and an input or target; a column is one or the other.")]
    [InlineData("--time-column", "value", "the time column 'value' cannot also be an input, target or known-ahead column.")]
    public void BadForecastOptionsAreRefusedInOneLine(string flag, string value, string message)
    {
        string csv = Trending(120), run = Path.Combine(_dir, "bad");
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "12", "--run-dir", run, flag, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("rnn: " + message, r.Stderr.Trim());
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void ShapeFlagsAreFixedOnResumeAndInitFrom_AndKnownColumnsMustReachThePredictedSteps()
    {
        var rng = new Random(2);
        string csv = Write("promo.csv", "t,promo,sales\n" + string.Concat(Enumerable.Range(0, 200).Select(t =>
        {
            int promo = rng.Next(2);
            return $"{t},{promo},{F(20 + 5 * promo + Math.Sin(t))}\n";
        })));
        string run = Path.Combine(_dir, "promo");
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "sales", "--known", "promo", "--window", "8", "--hidden", "4",
            "--steps", "5", "--run-dir", run, "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        r = CliRunner.Run("train", "--resume", run, "--normalize", "global");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("rnn: --normalize cannot be used with --resume", r.Stderr.Trim());
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--init-from", run, "--quantiles", "0.1,0.9", "--run-dir", Path.Combine(_dir, "ft"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("rnn: --quantiles cannot be used with --init-from", r.Stderr.Trim());

        // The model reads promo at each predicted step: past the file's last row it is unknown.
        r = CliRunner.Run("predict", run, "--input", csv, "--from", "195", "--steps", "10");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("the model reads the known-ahead column(s) [promo] at each predicted step, so", r.Stderr);
        Assert.Contains("needs 205 rows (--from 195 + --steps 10); it has 200.", r.Stderr);
        r = CliRunner.Run("predict", run, "--input", csv, "--from", "190", "--steps", "10");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        // --from is a forecasting flag.
        r = CliRunner.Run("eval", run, "--data", csv, "--from", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("rnn: --from must be positive, got 0.", r.Stderr.Trim());
    }

    [Fact]
    public void FutureRowsMayLeaveTheTargetEmpty_AndDatesMustRunForwards()
    {
        // Daily sales with a promotion flag known in advance; the last 6 rows are the future: promo given, sales empty.
        var rng = new Random(6);
        var start = new DateTime(2022, 3, 1);
        var rows = Enumerable.Range(0, 206).Select(t =>
        {
            int promo = rng.Next(2);
            string sales = t < 200 ? F(30 + 8 * promo + (start.AddDays(t).DayOfWeek == DayOfWeek.Sunday ? 5 : 0) + rng.NextDouble()) : "";
            return $"{start.AddDays(t):yyyy-MM-dd},{promo},{sales}";
        }).ToArray();
        string csv = Write("future.csv", "date,promo,sales\n" + string.Join("\n", rows) + "\n");
        string history = Write("history.csv", "date,promo,sales\n" + string.Join("\n", rows.Take(200)) + "\n");
        string run = Path.Combine(_dir, "future");
        var r = CliRunner.Run("train", "--task", "forecast", "--data", history, "--targets", "sales", "--known", "promo", "--time-column", "date",
            "--window", "14", "--horizon", "3", "--hidden", "8", "--epochs", "3", "--run-dir", run, "--quiet");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);

        // Without --from the history ends before the first empty value; 6 steps are two blocks of 3 and need rows up to 206.
        string pred = Path.Combine(_dir, "future-pred.csv");
        r = CliRunner.Run("predict", run, "--input", csv, "--steps", "6", "--output", pred);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("after row 200, dated by column 'date' (step 1 day)", r.Stdout);
        Assert.DoesNotContain("against the file's rows", r.Stdout);   // nothing to score against
        var lines = File.ReadAllLines(pred);
        Assert.Equal("date,sales", lines[0]);
        Assert.Equal(Enumerable.Range(200, 6).Select(t => start.AddDays(t).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.All(lines.Skip(1), l => Assert.True(double.IsFinite(double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)), l));
        // 7 steps would need a third block, reading promo of rows up to 209.
        r = CliRunner.Run("predict", run, "--input", csv, "--steps", "7");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("needs 209 rows (--from 200 + --steps 7, rounded up to whole blocks of the horizon 3); it has 206.", r.Stderr);
        // An empty value inside the history is named.
        r = CliRunner.Run("predict", run, "--input", csv, "--from", "203", "--steps", "2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 202: the series has no value of [sales] in row 201, which is history for --from 203; fill it in, or give --from 200.", r.Stderr);

        // Rows in reverse time order are refused at once, naming the column.
        string reversed = Write("reversed.csv", "date,promo,sales\n" + string.Join("\n", rows.Take(200).Reverse()) + "\n");
        r = CliRunner.Run("train", "--task", "forecast", "--data", reversed, "--targets", "sales", "--time-column", "date", "--run-dir", Path.Combine(_dir, "rev"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("rnn: the time column 'date' steps backwards (step -1 day); sort the rows oldest first.", r.Stderr.Trim());
        // A row out of order in the middle is named by its line.
        var shuffled = rows.Take(200).ToArray();
        (shuffled[50], shuffled[51]) = (shuffled[51], shuffled[50]);
        string swapped = Write("swapped.csv", "date,promo,sales\n" + string.Join("\n", shuffled) + "\n");
        r = CliRunner.Run("train", "--task", "forecast", "--data", swapped, "--targets", "sales", "--time-column", "date", "--run-dir", Path.Combine(_dir, "swap"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("rnn: '" + swapped + "' line 53: the time column 'date' goes from", r.Stderr.Trim());
        Assert.EndsWith("the rows must be in time order, oldest first, one row per time step.", r.Stderr.Trim());
    }
}
