// BuiltInCorpus: the corpus `rnn train` uses without --data — the project's own C# sources and docs, embedded in
// the tool at build time (see the csproj), as char-rnn's Linux-source experiment. LanguageDataset reads files, so
// the resources are written to a temporary directory for the duration of loading, in ordinal name order.
using System.Reflection;

namespace Recurrent.Cli.Corpus;

internal static class BuiltInCorpus
{
    /// <summary>The name recorded in the run's data spec.</summary>
    public const string Name = "recurrent-sources";

    private const string Prefix = "corpus/";

    /// <summary>The embedded files' logical names (corpus/src/..., corpus/docs/...), sorted.</summary>
    public static IReadOnlyList<string> Files { get; } = typeof(BuiltInCorpus).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Total size in bytes.</summary>
    public static long Bytes => Files.Sum(f => Open(f).Length);

    /// <summary>Writes the files under a new temporary directory and returns it; the caller deletes it.</summary>
    public static string Extract()
    {
        if (Files.Count == 0) throw new InvalidOperationException("This build of rnn has no built-in corpus; pass --data FILE.");
        string root = Path.Combine(Path.GetTempPath(), $"rnn-builtin-corpus-{Environment.ProcessId}-{Guid.NewGuid():N}");
        foreach (string name in Files)
        {
            string target = Path.Combine(root, name[Prefix.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var source = Open(name);
            using var file = File.Create(target);
            source.CopyTo(file);
        }
        return root;
    }

    /// <summary>Deletes a directory made by <see cref="Extract"/>, ignoring failures (it is temporary).</summary>
    public static void Delete(string root)
    {
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static Stream Open(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}.");
}
