// TiktokenData: one tiktoken encoding (cl100k_base, o200k_base) loaded from the Microsoft.ML.Tokenizers data
// packages: the tokenizer that encodes text, and the byte string of every id, which decoding needs (a BPE
// token can end inside a UTF-8 character, so ids must become bytes before text). The public
// Microsoft.ML.Tokenizers API decodes only to strings, so the byte table is read from the data package's
// embedded vocabulary (one base64 token per line, the line number being the id) and checked against the
// tokenizer on a probe text. Loaded once per process and encoding.
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Recurrent.Data;

internal sealed class TiktokenData
{
    private static readonly ConcurrentDictionary<string, Lazy<TiktokenData>> Cache = new(StringComparer.Ordinal);

    /// <summary>Encoding name → (data assembly, embedded resource).</summary>
    private static readonly Dictionary<string, (string Assembly, string Resource)> Sources = new(StringComparer.Ordinal)
    {
        ["cl100k_base"] = ("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"),
        ["o200k_base"] = ("Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"),
    };

    private TiktokenData(string name, TiktokenTokenizer tokenizer, byte[]?[] tokenBytes)
    {
        Name = name;
        Tokenizer = tokenizer;
        TokenBytes = tokenBytes;
    }

    public static IReadOnlyCollection<string> Names => Sources.Keys;

    public string Name { get; }
    public TiktokenTokenizer Tokenizer { get; }
    /// <summary>Original id → its bytes (special tokens as the UTF-8 of their text); null where no token has the id.</summary>
    public byte[]?[] TokenBytes { get; }
    /// <summary>One more than the largest original id.</summary>
    public int IdLimit => TokenBytes.Length;

    public static TiktokenData Get(string name)
    {
        if (!Sources.ContainsKey(name))
            throw new ArgumentException($"Unknown BPE encoding '{name}'; use one of {string.Join(", ", Sources.Keys)}.", nameof(name));
        return Cache.GetOrAdd(name, n => new Lazy<TiktokenData>(() => Load(n))).Value;
    }

    private static TiktokenData Load(string name)
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding(name);
        var bytes = new List<byte[]?>();
        var (assemblyName, resource) = Sources[name];
        using (Stream stream = Assembly.Load(assemblyName).GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The package {assemblyName} has no resource '{resource}'."))
        using (var inflated = new DeflateStream(stream, CompressionMode.Decompress))
        using (var reader = new StreamReader(inflated, Encoding.ASCII))
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
                int space = line.IndexOf(' ');
                int id = space < 0 ? bytes.Count : int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture);
                while (bytes.Count <= id) bytes.Add(null);
                bytes[id] = Convert.FromBase64String(space < 0 ? line : line[..space]);
            }
        }
        foreach (var (text, id) in tokenizer.SpecialTokens ?? new Dictionary<string, int>())
        {
            while (bytes.Count <= id) bytes.Add(null);
            bytes[id] = Encoding.UTF8.GetBytes(text);
        }
        var data = new TiktokenData(name, tokenizer, [.. bytes]);
        data.Verify();
        return data;
    }

    /// <summary>Checks the byte table against the tokenizer: the bytes of a probe's ids must spell the probe.</summary>
    private void Verify()
    {
        const string probe = "Hello, world! Ünïcödé ελληνικά 中文 😀👍🏽 <|endoftext|>\n\tint x = 42;";
        var ids = Tokenizer.EncodeToIds(probe);
        var all = new List<byte>();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)IdLimit || TokenBytes[id] is null)
                throw new InvalidOperationException($"The {Name} vocabulary data has no bytes for id {id}.");
            all.AddRange(TokenBytes[id]!);
        }
        if (!all.SequenceEqual(Encoding.UTF8.GetBytes(probe)))
            throw new InvalidOperationException($"The {Name} vocabulary data does not match its tokenizer (package version mismatch?).");
    }
}
