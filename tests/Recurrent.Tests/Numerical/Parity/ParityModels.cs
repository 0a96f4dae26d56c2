// ParityModels: shared helpers of the SequenceModel parity tests — copying a fixture's PyTorch state_dict
// into a model (after checking both hold the same parameter names and shapes) and slicing the (N,T,B)
// char-LM data of make_fixtures.py into per-batch (T,B) views.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tests.Support;

namespace Recurrent.Tests.Parity;

internal static class ParityModels
{
    /// <summary>
    /// The fixture's parameter names: every tensor X that also appears as <paramref name="marker"/> + X
    /// ("grad." or "final."), minus the non-parameter <paramref name="exclude"/> names (e.g. "input").
    /// </summary>
    public static SortedSet<string> FixtureParameterNames(Fixture fx, string marker, params string[] exclude) =>
        new(fx.Names.Where(n => !IsDerived(n))
            .Where(n => fx.Has(marker + n) && !exclude.Contains(n)), StringComparer.Ordinal);

    private static bool IsDerived(string n) => n.StartsWith("grad.") || n.StartsWith("grad0.") || n.StartsWith("final.");

    /// <summary>
    /// Asserts the model's parameter set equals the fixture's (names and shapes) and copies every fixture
    /// tensor into <c>model.Parameters.Value(p)</c>.
    /// </summary>
    public static void LoadStateDict(SequenceModel<float> model, Fixture fx, string marker, params string[] exclude)
    {
        var expected = FixtureParameterNames(fx, marker, exclude);
        var actual = new SortedSet<string>(model.Parameters.Parameters.Select(p => p.Name), StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        foreach (var p in model.Parameters.Parameters)
        {
            Assert.Equal(fx.Shape(p.Name), p.Shape);
            fx.Floats(p.Name).CopyTo(model.Parameters.Value(p));
        }
    }

    /// <summary>Batch k, (T,B), of an (N,T,B) integer tensor.</summary>
    public static int[] Batch(int[] all, int k, int steps, int batch) => all.AsSpan(k * steps * batch, steps * batch).ToArray();

    /// <summary>The embedding → stack → linear language model the training fixtures describe (vocab, embedding, hidden, layers in meta).</summary>
    public static ModelConfig LanguageModelConfig(Fixture fx, CellKind cell) => new()
    {
        Input = InputKind.Embedding,
        InputSize = fx.MetaInt("vocab"),
        EmbeddingSize = fx.MetaInt("embedding"),
        Cell = cell,
        HiddenSize = fx.MetaInt("hidden"),
        Layers = fx.MetaInt("layers"),
        OutputSize = fx.MetaInt("vocab"),
        ForgetGateBias = null, // the fixture's weights are loaded over the initialisation anyway
    };
}
