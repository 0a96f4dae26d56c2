// JiebaData: the one jieba.NET segmenter of the process — its data found, loaded once, and used under a lock.
// jieba.NET reads its dictionary and HMM tables from files in ConfigManager.ConfigFileBaseDir (default: Resources/
// beside the application, which neither a dotnet tool nor a NuGet consumer has). This assembly carries the three
// files it needs as embedded resources; the first use extracts them to a cache directory, points jieba at it and
// loads the segmenter (about a second). Files are written to a temporary name and renamed, so concurrent
// processes and a crash mid-write never leave a partial file; an existing file of the right length is reused.
// jieba keeps one dictionary per process (user words go into it), and it is not thread-safe while words are
// added: cutting takes a read lock, adding words the write lock. jieba.NET swallows a missing dictionary
// silently, so the load is checked.
using System.Runtime.CompilerServices;
using JiebaNet.Segmenter;

namespace Recurrent.Chinese;

/// <summary>The process's jieba segmenter and its data files.</summary>
internal static class JiebaData
{
    /// <summary>The jieba.NET release whose dictionary and tables are embedded (and whose code cuts).</summary>
    public const string Version = "jieba.NET 0.42.2";

    /// <summary>Set to a directory to extract the data there instead of the user's local application data.</summary>
    public const string DirectoryVariable = "RECURRENT_JIEBA_DATA";

    private static readonly string[] Files = ["dict.txt", "prob_emit.json", "prob_trans.json"];
    private static readonly Lazy<JiebaSegmenter> Segmenter = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ReaderWriterLockSlim Gate = new();

    /// <summary>The directory the data was extracted to (after the first use).</summary>
    public static string? Directory { get; private set; }

    /// <summary>Precise-mode cut with the HMM of a run of Chinese characters (jieba's U+4E00–U+9FD5).</summary>
    public static List<string> Cut(string hanRun)
    {
        JiebaSegmenter segmenter = Segmenter.Value;
        Gate.EnterReadLock();
        try
        {
            return (List<string>)segmenter.Cut(hanRun, cutAll: false, hmm: true);
        }
        finally
        {
            Gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Adds a word to the process's dictionary with <paramref name="frequency"/> (jieba's own suggestion when null or
    /// 0: just enough for the word to win over its parts) and returns the frequency it now has.
    /// </summary>
    public static int AddWord(string word, int? frequency)
    {
        JiebaSegmenter segmenter = Segmenter.Value;
        Gate.EnterWriteLock();
        try
        {
            segmenter.AddWord(word, frequency ?? 0);
            return WordDictionary.Instance.GetFreqOrDefault(word);
        }
        finally
        {
            Gate.ExitWriteLock();
        }
    }

    /// <summary>The frequency of a word in the process's dictionary; 0 when it is not a word there.</summary>
    public static int Frequency(string word)
    {
        _ = Segmenter.Value;
        Gate.EnterReadLock();
        try
        {
            return WordDictionary.Instance.ContainsWord(word) ? WordDictionary.Instance.GetFreqOrDefault(word) : 0;
        }
        finally
        {
            Gate.ExitReadLock();
        }
    }

    private static JiebaSegmenter Load()
    {
        string directory = Extract();
        Directory = directory;
        ConfigManager.ConfigFileBaseDir = directory;
        JiebaSegmenter segmenter = CreateSegmenter();
        if (!(WordDictionary.Instance.Total > 0) || !WordDictionary.Instance.ContainsWord("中国"))
            throw new InvalidOperationException(
                $"jieba's dictionary did not load from '{directory}' (it holds no words). Delete that directory so it is extracted " +
                $"again, or set {DirectoryVariable} to another directory.");
        return segmenter;
    }

    // jieba's static constructors read the files; this runs in a method of its own, after the directory is set, so
    // that no JIT-time class initialisation can read the default directory first.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JiebaSegmenter CreateSegmenter() => new();

    /// <summary>Writes the embedded files into the first usable directory and returns it.</summary>
    private static string Extract()
    {
        var tried = new List<string>();
        foreach (string candidate in Candidates())
        {
            try
            {
                System.IO.Directory.CreateDirectory(candidate);
                foreach (string name in Files) ExtractFile(name, Path.Combine(candidate, name));
                return candidate;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                tried.Add($"'{candidate}' ({e.Message})");
            }
        }
        throw new IOException($"Cannot write jieba's dictionary to {string.Join(" or ", tried)}. " +
            $"Set {DirectoryVariable} to a writable directory.");
    }

    private static IEnumerable<string> Candidates()
    {
        string folder = "jieba.NET-" + Version.Split(' ')[1];
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
        {
            yield return Path.GetFullPath(configured);
            yield break;
        }
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (local.Length > 0) yield return Path.Combine(local, "Recurrent", folder);
        yield return Path.Combine(Path.GetTempPath(), $"recurrent-{Environment.UserName}", folder);
    }

    private static void ExtractFile(string name, string path)
    {
        using Stream resource = typeof(JiebaData).Assembly.GetManifestResourceStream("jieba/" + name)
            ?? throw new InvalidOperationException($"The assembly {typeof(JiebaData).Assembly.GetName().Name} has no embedded jieba/{name}; it was built without jieba.NET's Resources.");
        var existing = new FileInfo(path);
        if (existing.Exists && existing.Length == resource.Length) return;
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                resource.CopyTo(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
