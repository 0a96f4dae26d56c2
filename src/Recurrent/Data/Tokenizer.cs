// Tokenizer: the common contract of the tokenizers (char, byte, word, bpe, and jieba from Recurrent.Chinese) —
// text to ids and back, the text of one token, an incremental decoder for streamed generation, an incremental
// encoder for streamed corpora, and a self-contained JSON form that a model file stores so sampling never needs
// the corpus. The set of kinds is closed (FromJson must know each one), so the constructor is not public; a kind
// that lives in a package of its own is reached through TokenizerProviders.
using System.Text;
using System.Text.Json;

namespace Recurrent.Data;

/// <summary>Names of the tokenizer kinds, as used by <see cref="Tokenizer.Kind"/>, the CLI and the JSON form.</summary>
public static class TokenizerKinds
{
    /// <summary>One token per Unicode scalar value seen in the training text (char-rnn).</summary>
    public const string Char = "char";
    /// <summary>One token per byte of the UTF-8 encoding (256 tokens).</summary>
    public const string Byte = "byte";
    /// <summary>Words, single punctuation characters, whitespace runs and single CJK characters.</summary>
    public const string Word = "word";
    /// <summary>tiktoken byte-pair encoding (cl100k_base, o200k_base) mapped to the ids seen in training.</summary>
    public const string Bpe = "bpe";
    /// <summary>
    /// Chinese words cut by jieba (precise mode, HMM for unknown words); other text as <see cref="Word"/>. Needs the
    /// Recurrent.Chinese package (the rnn tool includes it).
    /// </summary>
    public const string Jieba = "jieba";
    /// <summary>All kinds, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = [Char, Byte, Word, Bpe, Jieba];
}

/// <summary>
/// Turns text into token ids and back. Instances are immutable and safe to share between threads; the
/// stream encoders and decoders they create are not.
/// </summary>
public abstract class Tokenizer
{
    /// <summary>Version of the JSON form written by <see cref="ToJson"/>.</summary>
    public const int JsonVersion = 1;
    private const string JsonFormat = "recurrent.tokenizer";

    private protected Tokenizer() { }

    /// <summary>"char", "byte", "word", "bpe" or "jieba" (see <see cref="TokenizerKinds"/>).</summary>
    public abstract string Kind { get; }

    /// <summary>Number of token ids: ids are 0..VocabularySize-1.</summary>
    public abstract int VocabularySize { get; }

    /// <summary>The id of <c>&lt;unk&gt;</c> (0) for tokenizers that have one (word, bpe, jieba); null otherwise.</summary>
    public virtual int? UnknownId => null;

    /// <summary>
    /// Appends the ids of <paramref name="text"/> to <paramref name="output"/>. The char tokenizer throws
    /// <see cref="UnknownTokenException"/> for characters outside its vocabulary (and appends nothing);
    /// word, bpe and jieba map unknown pieces to <see cref="UnknownId"/>.
    /// </summary>
    public void Encode(ReadOnlySpan<char> text, List<int> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int consumed = EncodePrefix(text, final: true, output, position: 0);
        System.Diagnostics.Debug.Assert(consumed == text.Length);
    }

    /// <summary>The ids of <paramref name="text"/>; see <see cref="Encode(ReadOnlySpan{char}, List{int})"/>.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        Encode(text.AsSpan(), ids);
        return ids.ToArray();
    }

    /// <summary>The text of a sequence of ids. Throws ArgumentOutOfRangeException for an id outside the vocabulary.</summary>
    public abstract string Decode(ReadOnlySpan<int> ids);

    /// <summary>
    /// The text of one token, for display. Byte-level tokens that are not complete UTF-8 show as
    /// <c>&lt;0xE2&gt;</c>-style hex; <c>&lt;unk&gt;</c> shows as itself.
    /// </summary>
    public abstract string TokenText(int id);

    /// <summary>A decoder that takes one id at a time and returns the text completed so far (for streamed sampling).</summary>
    public abstract StreamDecoder CreateStreamDecoder();

    /// <summary>An encoder that takes text in pieces (e.g. corpus chunks) and gives the same ids as encoding the whole text.</summary>
    public StreamEncoder CreateStreamEncoder() => new(this);

    /// <summary>Everything needed to rebuild this tokenizer without the corpus, as JSON; see <see cref="FromJson"/>.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", JsonFormat);
            writer.WriteNumber("version", JsonVersion);
            writer.WriteString("kind", Kind);
            WriteJson(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Rebuilds a tokenizer from <see cref="ToJson"/>. Throws <see cref="InvalidDataException"/> when the text
    /// is not a valid tokenizer description (malformed JSON, unknown kind or version, inconsistent vocabulary), and
    /// <see cref="NotSupportedException"/> naming the package to add for a kind whose package the application lacks
    /// (jieba: Recurrent.Chinese).
    /// </summary>
    public static Tokenizer FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Invalid("the JSON is not an object");
            if (Json.String(root, "format") != JsonFormat)
                throw Invalid($"\"format\" is not \"{JsonFormat}\"");
            int version = Json.Int(root, "version");
            if (version != JsonVersion)
                throw Invalid($"version {version} is not supported (this build reads version {JsonVersion})");
            string kind = Json.String(root, "kind");
            return kind switch
            {
                TokenizerKinds.Char => CharTokenizer.ReadJson(root),
                TokenizerKinds.Byte => ByteTokenizer.Instance,
                TokenizerKinds.Word => WordTokenizer.ReadJson(root),
                TokenizerKinds.Bpe => BpeTokenizer.ReadJson(root),
                TokenizerKinds.Jieba => TokenizerProviders.Get(kind).ReadJson(root),
                _ => throw Invalid($"unknown kind \"{kind}\" (expected one of {string.Join(", ", TokenizerKinds.All)})"),
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The tokenizer description is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"The tokenizer description is inconsistent: {e.Message}", e);
        }
    }

    /// <summary>The tokenizer kind followed by the vocabulary size, e.g. "char (65 tokens)".</summary>
    public override string ToString() => $"{Kind} ({VocabularySize} tokens)";

    /// <summary>
    /// Encodes the longest prefix of <paramref name="text"/> whose ids cannot change whatever text follows
    /// (all of it when <paramref name="final"/>), appends the ids and returns the number of chars encoded.
    /// <paramref name="position"/> is the character (scalar) position of text[0], for error messages.
    /// </summary>
    internal abstract int EncodePrefix(ReadOnlySpan<char> text, bool final, List<int> output, long position);

    private protected abstract void WriteJson(Utf8JsonWriter writer);

    private protected void CheckId(int id)
    {
        if ((uint)id >= (uint)VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the {Kind} vocabulary [0, {VocabularySize}).");
    }

    private protected static InvalidDataException Invalid(string what) =>
        new($"The tokenizer description is invalid: {what}.");

    /// <summary>Small typed readers over JsonElement that fail with InvalidDataException.</summary>
    private protected static class Json
    {
        public static JsonElement Property(JsonElement e, string name, JsonValueKind kind)
        {
            if (!e.TryGetProperty(name, out JsonElement value) || value.ValueKind != kind)
                throw Invalid($"\"{name}\" is missing or not a {kind.ToString().ToLowerInvariant()}");
            return value;
        }

        public static string String(JsonElement e, string name) => Property(e, name, JsonValueKind.String).GetString()!;

        public static int Int(JsonElement e, string name)
        {
            JsonElement value = Property(e, name, JsonValueKind.Number);
            if (!value.TryGetInt32(out int result)) throw Invalid($"\"{name}\" is not a 32-bit integer");
            return result;
        }

        public static int[] IntArray(JsonElement e, string name)
        {
            JsonElement array = Property(e, name, JsonValueKind.Array);
            var result = new int[array.GetArrayLength()];
            int i = 0;
            foreach (JsonElement item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out result[i]))
                    throw Invalid($"\"{name}\"[{i}] is not a 32-bit integer");
                i++;
            }
            return result;
        }

        public static string[] StringArray(JsonElement e, string name)
        {
            JsonElement array = Property(e, name, JsonValueKind.Array);
            var result = new string[array.GetArrayLength()];
            int i = 0;
            foreach (JsonElement item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) throw Invalid($"\"{name}\"[{i}] is not a string");
                result[i++] = item.GetString()!;
            }
            return result;
        }

        public static void WriteInts(Utf8JsonWriter writer, string name, ReadOnlySpan<int> values)
        {
            writer.WriteStartArray(name);
            foreach (int v in values) writer.WriteNumberValue(v);
            writer.WriteEndArray();
        }
    }
}
