// TokenizerProviders: tokenizer kinds whose code lives in a package of its own, so the core library stays lean —
// today "jieba" (Chinese word segmentation, with its 6 MB dictionary and its own dependencies), in
// Recurrent.Chinese. The core knows each such kind's name and assembly; the first time the kind is built or read
// from a model file the assembly is loaded by name (it is in the application whenever the package is
// referenced, even if no code names it), and its [assembly: TokenizerProvider(typeof(...))] says which class
// builds and reads the tokenizers. Without the package the error names the package to add. These contracts are
// internal: the packages are built from this repository together (InternalsVisibleTo), so the public API does
// not grow an extension point that would have to stay stable.
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Recurrent.Data;

/// <summary>Builds and reads the tokenizers of one kind that lives outside the core library.</summary>
internal interface ITokenizerProvider
{
    /// <summary>The kind (see <see cref="TokenizerKinds"/>).</summary>
    string Kind { get; }

    /// <summary>Builds a tokenizer from corpus chunks, as <see cref="TokenizerFactory.Build(string, IEnumerable{CorpusChunk}, TokenizerOptions?, bool)"/>.</summary>
    Tokenizer Build(IEnumerable<CorpusChunk> chunks, TokenizerOptions options, bool eachChunkIsAText);

    /// <summary>Reads the kind's JSON form (the object <see cref="Tokenizer.ToJson"/> wrote); throws InvalidDataException when it is invalid.</summary>
    Tokenizer ReadJson(JsonElement root);
}

/// <summary>Names the <see cref="ITokenizerProvider"/> class of an assembly (which needs a public parameterless constructor).</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class TokenizerProviderAttribute(Type providerType) : Attribute
{
    public Type ProviderType { get; } = providerType;
}

/// <summary>Finds the provider of a tokenizer kind that lives in another assembly; loaded once per process and kind.</summary>
internal static class TokenizerProviders
{
    /// <summary>Kind → the assembly and NuGet package that hold it.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Assembly, string Package, string What)> Known =
        new Dictionary<string, (string, string, string)>(StringComparer.Ordinal)
        {
            [TokenizerKinds.Jieba] = ("Recurrent.Chinese", "Recurrent.Chinese", "Chinese word segmentation with jieba"),
        };

    private static readonly ConcurrentDictionary<string, Lazy<ITokenizerProvider>> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The provider of <paramref name="kind"/>. Throws <see cref="NotSupportedException"/> naming the package to
    /// add when its assembly is not part of the application.
    /// </summary>
    public static ITokenizerProvider Get(string kind) => Get(kind, Known[kind].Assembly);

    /// <summary>As <see cref="Get(string)"/>, from a given assembly name (tests name one that is missing).</summary>
    internal static ITokenizerProvider Get(string kind, string assemblyName) =>
        Cache.GetOrAdd(kind + "\n" + assemblyName, _ => new Lazy<ITokenizerProvider>(() => Load(kind, assemblyName))).Value;

    private static ITokenizerProvider Load(string kind, string assemblyName)
    {
        var (_, package, what) = Known[kind];
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(assemblyName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new NotSupportedException(
                $"The tokenizer kind '{kind}' ({what}) is in the {package} package, which this application does not include. " +
                $"Add it to the project (dotnet add package {package}) to train or load '{kind}' models; the rnn tool includes it.", e);
        }
        foreach (var attribute in assembly.GetCustomAttributes<TokenizerProviderAttribute>())
            if (Activator.CreateInstance(attribute.ProviderType) is ITokenizerProvider provider && provider.Kind == kind)
                return provider;
        throw new NotSupportedException($"The assembly {assembly.GetName().Name} does not provide the tokenizer kind '{kind}'; " +
            $"its version may not match the Recurrent library's (use the same version of {package} and Recurrent).");
    }
}
