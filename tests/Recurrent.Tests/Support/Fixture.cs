// Fixture: reads the JSON tensors written by tools/fixtures/make_fixtures.py (PyTorch 1.13) and compares
// tensors, printing the largest difference per tensor as llm.c's test does.
using System.Text.Json;
using Xunit.Abstractions;

namespace Recurrent.Tests.Support;

public sealed class Fixture
{
    private readonly Dictionary<string, (int[] Shape, double[] Data)> _tensors = new();
    public JsonElement Meta { get; }

    private Fixture(JsonDocument doc)
    {
        Meta = doc.RootElement.GetProperty("meta").Clone();
        foreach (var t in doc.RootElement.GetProperty("tensors").EnumerateObject())
        {
            int[] shape = t.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            double[] data = t.Value.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            _tensors[t.Name] = (shape, data);
        }
    }

    public static Fixture Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new Fixture(doc);
    }

    public bool Has(string name) => _tensors.ContainsKey(name);
    public IEnumerable<string> Names => _tensors.Keys;
    public int[] Shape(string name) => Get(name).Shape;
    public double[] Doubles(string name) => Get(name).Data;
    public float[] Floats(string name) => Get(name).Data.Select(v => (float)v).ToArray();
    public int[] Ints(string name) => Get(name).Data.Select(v => (int)v).ToArray();
    public int MetaInt(string key) => Meta.GetProperty(key).GetInt32();
    public double MetaDouble(string key) => Meta.GetProperty(key).GetDouble();

    private (int[] Shape, double[] Data) Get(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"Fixture has no tensor '{name}'.");

    /// <summary>
    /// Asserts |actual - expected| <= tol * max(1, |expected|) element-wise (relative for large values,
    /// absolute near zero), logs the largest difference, and returns it.
    /// </summary>
    public static double AssertClose(ITestOutputHelper? log, string label, ReadOnlySpan<double> expected,
        ReadOnlySpan<float> actual, double tol)
    {
        Assert.True(expected.Length == actual.Length, $"{label}: length {actual.Length}, expected {expected.Length}");
        double worst = 0; int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            if (d > worst) { worst = d; worstAt = i; }
        }
        log?.WriteLine($"{label,-36} max rel diff {worst:E2}");
        Assert.True(worst <= tol,
            $"{label}: max relative difference {worst:E3} at [{worstAt}] (actual {(worstAt >= 0 ? actual[worstAt] : 0)}, expected {(worstAt >= 0 ? expected[worstAt] : 0)}) exceeds {tol:E1}");
        return worst;
    }
}
