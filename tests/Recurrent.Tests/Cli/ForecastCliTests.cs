// `rnn train --task forecast`, `rnn predict` and `rnn eval` on a CSV made here: the printed MSE/MAE are
// recomputed from the written predictions (predict) and from the model's window predictions (eval), the plot
// is a PNG, and misuse gives one clear line with exit code 2.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Recurrent.Forecasting;

namespace Recurrent.Tests.Cli;

public sealed class ForecastCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forecast-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double Value(int t) => 10 + 3 * Math.Sin(0.25 * t) + Math.Sin(0.07 * t);

    [Fact]
    public void TrainPredictEvalAndPlot()
    {
        const int Rows = 260;
        string csv = Path.Combine(_dir, "series.csv");
        File.WriteAllText(csv, "t,value\n" + string.Concat(Enumerable.Range(0, Rows).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{Value(t):R}\n"))));
        string run = Path.Combine(_dir, "run");

        var train = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "value", "--window", "24", "--horizon", "3",
            "--epochs", "25", "--hidden", "24", "--run-dir", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        Assert.Contains("best epoch", train.Stdout);
        Assert.True(File.Exists(Path.Combine(run, "best.safetensors")));

        string pred = Path.Combine(_dir, "pred.csv"), png = Path.Combine(_dir, "pred.png");
        var predict = CliRunner.Run("predict", run, "--input", csv, "--from", "200", "--steps", "30", "--output", pred, "--plot", png);
        Assert.True(predict.ExitCode == 0, predict.Stdout + predict.Stderr);
        var lines = File.ReadAllLines(pred);
        Assert.Equal("t,value", lines[0]);   // the file's time column (t = 0, 1, ...) goes on: row 201 has t = 200
        Assert.Equal(31, lines.Length);
        double[] p = lines.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Enumerable.Range(200, 30).Select(s => s.ToString(CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[0]));
        double mse = Enumerable.Range(0, 30).Average(k => (p[k] - Value(200 + k)) * (p[k] - Value(200 + k)));
        double mae = Enumerable.Range(0, 30).Average(k => Math.Abs(p[k] - Value(200 + k)));
        var m = Regex.Match(predict.Stdout, @"rows 201\.\.230: MSE (\S+), MAE (\S+) \(30 values");
        Assert.True(m.Success, predict.Stdout);
        Assert.Equal(mse, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), mse * 1e-5);
        Assert.Equal(mae, double.Parse(m.Groups[2].Value.TrimEnd(','), CultureInfo.InvariantCulture), mae * 1e-5);
        Assert.True(mae < 0.6, $"continuation MAE {mae} (the series spans about 8 units)");
        byte[] image = File.ReadAllBytes(png);
        Assert.True(image.Length > 1000 && image[1] == (byte)'P' && image[2] == (byte)'N' && image[3] == (byte)'G');

        var eval = CliRunner.Run("eval", run, "--data", csv, "--json");
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        using var json = JsonDocument.Parse(eval.Stdout);
        // Independently: every window's 3-step prediction against the series.
        var model = ForecastFile.Load(Path.Combine(run, "best.safetensors"));
        int windows = Rows - 24 - 3 + 1;
        var input = new double[windows * 24];
        for (int i = 0; i < windows; i++) for (int t = 0; t < 24; t++) input[i * 24 + t] = Value(i + t);
        double[] all = model.PredictWindows(input, windows);
        double sq = 0, abs = 0;
        for (int i = 0; i < windows; i++)
            for (int k = 0; k < 3; k++) { double d = all[i * 3 + k] - Value(i + 24 + k); sq += d * d; abs += Math.Abs(d); }
        Assert.Equal(windows * 3, json.RootElement.GetProperty("values").GetInt32());
        Assert.Equal(sq / (windows * 3), json.RootElement.GetProperty("mse").GetDouble(), 1e-9);
        Assert.Equal(abs / (windows * 3), json.RootElement.GetProperty("mae").GetDouble(), 1e-9);
    }

    [Fact]
    public void MisuseGivesOneClearLine()
    {
        string csv = Path.Combine(_dir, "s.csv");
        File.WriteAllText(csv, string.Concat(Enumerable.Range(0, 60).Select(t => string.Create(CultureInfo.InvariantCulture, $"{Value(t):R}\n"))));
        var r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "0", "--run-dir", Path.Combine(_dir, "a"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--window must be positive, got 0", r.Stderr);
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--targets", "price", "--run-dir", Path.Combine(_dir, "b"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has no column 'price'", r.Stderr);
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--tokenizer", "word", "--run-dir", Path.Combine(_dir, "c"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--tokenizer does not apply to --task forecast", r.Stderr);
        r = CliRunner.Run("train", "--task", "forecast", "--data", csv, "--window", "8", "--epochs", "1", "--run-dir", Path.Combine(_dir, "ok"), "--quiet");
        Assert.True(r.ExitCode == 0, r.Stderr);
        r = CliRunner.Run("predict", Path.Combine(_dir, "ok"), "--input", csv, "--steps", "5", "--beam", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--beam does not apply to a forecast model", r.Stderr);
        r = CliRunner.Run("predict", Path.Combine(_dir, "ok"), "--input", csv, "--steps", "5", "--from", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--from must be in 8..60", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
