// LanguageDataset: the data side of `rnn train` / `rnn eval` in one call — read the corpus (and optional
// separate validation/test files), build the tokenizer over all of them in one streaming pass (or reuse a
// model's tokenizer), encode each into a TokenStream (in memory or memory-mapped), and split by fractions when
// no validation files are given. Each file is a text of its own (no token spans two files). The text is read twice (vocabulary, then ids), never held whole in memory.
using System.Runtime.InteropServices;

namespace Recurrent.Data;

/// <summary>What to load and how to tokenize and store it.</summary>
public sealed record LanguageDatasetOptions
{
    /// <summary>Training corpus: files, directories or globs (see <see cref="CorpusSource.FromPaths(IEnumerable{string}, string?)"/>).</summary>
    public required IReadOnlyList<string> Data { get; init; }

    /// <summary>Separate validation files; when given, all of <see cref="Data"/> is training data and the fractions are not used.</summary>
    public IReadOnlyList<string>? Validation { get; init; }

    /// <summary>Separate test files (only with <see cref="Validation"/>).</summary>
    public IReadOnlyList<string>? Test { get; init; }

    /// <summary>Encoding of every file: null for UTF-8, else a name such as gbk or windows-1252.</summary>
    public string? Encoding { get; init; }

    /// <summary>Tokenizer kind to build (see <see cref="TokenizerKinds"/>); ignored when <see cref="Tokenizer"/> is set.</summary>
    public string TokenizerKind { get; init; } = TokenizerKinds.Char;

    /// <summary>Settings for building the vocabulary.</summary>
    public TokenizerOptions TokenizerOptions { get; init; } = new();

    /// <summary>An existing tokenizer (resume, fine-tuning, evaluation): the text is encoded with it and no vocabulary is built.</summary>
    public Tokenizer? Tokenizer { get; init; }

    /// <summary>Train/validation/test fractions of <see cref="Data"/> when no validation files are given.</summary>
    public SplitFractions Split { get; init; } = SplitFractions.CharRnnDefault;

    /// <summary>In-memory limit and temporary directory for the token ids.</summary>
    public TokenStorageOptions Storage { get; init; } = new();

    /// <summary>
    /// Hears how far each pass over the corpus has got (building the vocabulary, then encoding), before every chunk;
    /// for a progress display on large corpora. Null: no reports.
    /// </summary>
    public Action<CorpusProgress>? Progress { get; init; }

    /// <summary>Bytes read per chunk (tests use small values to cross chunk boundaries).</summary>
    internal int ChunkBytes { get; init; } = CorpusSource.DefaultChunkBytes;
}

/// <summary>How far one pass over a corpus has got.</summary>
/// <param name="Stage"><see cref="CorpusProgress.Vocabulary"/> or <see cref="CorpusProgress.Encoding"/>.</param>
/// <param name="BytesRead">Bytes of the corpus files read so far in this pass (training, validation and test files together).</param>
/// <param name="TotalBytes">Bytes of all the files the pass reads.</param>
public readonly record struct CorpusProgress(string Stage, long BytesRead, long TotalBytes)
{
    /// <summary>The pass that builds the vocabulary (segmenting the text for word and jieba tokenizers).</summary>
    public const string Vocabulary = "vocabulary";
    /// <summary>The pass that encodes the text into token ids.</summary>
    public const string Encoding = "encoding";
}

/// <summary>A tokenized corpus: the tokenizer and the train/validation/test token streams. Dispose to release storage.</summary>
public sealed class LanguageDataset : IDisposable
{
    private readonly List<TokenStream> _owned;

    private LanguageDataset(Tokenizer tokenizer, TokenStream train, TokenStream validation, TokenStream test, List<TokenStream> owned)
    {
        Tokenizer = tokenizer;
        Train = train;
        Validation = validation;
        Test = test;
        _owned = owned;
    }

    /// <summary>The tokenizer the streams were encoded with (store <see cref="Tokenizer.ToJson"/> in the model).</summary>
    public Tokenizer Tokenizer { get; }
    /// <summary>Training tokens.</summary>
    public TokenStream Train { get; }
    /// <summary>Validation tokens (may be empty).</summary>
    public TokenStream Validation { get; }
    /// <summary>Test tokens (may be empty).</summary>
    public TokenStream Test { get; }

    /// <summary>
    /// Loads and tokenizes the corpus. Throws <see cref="CorpusException"/> for unreadable, empty or undecodable
    /// files, a vocabulary too large for the char tokenizer, or (with an existing char tokenizer) characters
    /// outside its vocabulary, naming the file.
    /// </summary>
    public static LanguageDataset Load(LanguageDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Split.Validate();
        options.Storage.Validate();
        if (options.Test is not null && options.Validation is null)
            throw new ArgumentException("Separate test files need separate validation files too.", nameof(options));
        CorpusSource data = CorpusSource.FromPaths(options.Data, options.Encoding, options.ChunkBytes);
        CorpusSource? validation = options.Validation is null ? null : CorpusSource.FromPaths(options.Validation, options.Encoding, options.ChunkBytes);
        CorpusSource? test = options.Test is null ? null : CorpusSource.FromPaths(options.Test, options.Encoding, options.ChunkBytes);

        long totalBytes = data.TotalBytes + (validation?.TotalBytes ?? 0) + (test?.TotalBytes ?? 0);
        Action<long>? Reporter(string stage, long before) =>
            options.Progress is { } progress ? read => progress(new CorpusProgress(stage, before + read, totalBytes)) : null;

        Tokenizer tokenizer = options.Tokenizer ?? TokenizerFactory.Build(options.TokenizerKind,
            AllChunks(data, validation, test, Reporter(CorpusProgress.Vocabulary, 0)), options.TokenizerOptions);

        var owned = new List<TokenStream>();
        try
        {
            TokenStream all = EncodeReporting(data, tokenizer, options.Storage, Reporter(CorpusProgress.Encoding, 0));
            owned.Add(all);
            if (validation is null)
            {
                var splits = DataSplit.ByFractions(all, options.Split);
                return new LanguageDataset(tokenizer, splits.Train, splits.Validation, splits.Test, owned);
            }
            TokenStream validationTokens = EncodeReporting(validation, tokenizer, options.Storage, Reporter(CorpusProgress.Encoding, data.TotalBytes));
            owned.Add(validationTokens);
            TokenStream testTokens = TokenStream.FromArray([]);
            if (test is not null)
            {
                testTokens = EncodeReporting(test, tokenizer, options.Storage, Reporter(CorpusProgress.Encoding, data.TotalBytes + validation.TotalBytes));
                owned.Add(testTokens);
            }
            return new LanguageDataset(tokenizer, all, validationTokens, testTokens, owned);
        }
        catch
        {
            foreach (var stream in owned) stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Encodes a corpus with a tokenizer into a token stream (in memory, or memory-mapped past
    /// <see cref="TokenStorageOptions.MaxInMemoryTokens"/>). Characters outside a char vocabulary raise a
    /// <see cref="CorpusException"/> naming the file.
    /// </summary>
    public static TokenStream Encode(CorpusSource corpus, Tokenizer tokenizer, TokenStorageOptions? storage = null) =>
        EncodeReporting(corpus, tokenizer, storage, null);

    private static TokenStream EncodeReporting(CorpusSource corpus, Tokenizer tokenizer, TokenStorageOptions? storage, Action<long>? bytesRead)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(tokenizer);
        using var builder = new TokenStreamBuilder(tokenizer.VocabularySize, storage);
        var encoder = tokenizer.CreateStreamEncoder();
        var ids = new List<int>(1 << 16);
        string? file = null;
        try
        {
            foreach (var chunk in corpus.ReadReporting(bytesRead))
            {
                ids.Clear();
                if (file is not null && !string.Equals(file, chunk.Path, StringComparison.Ordinal))
                    encoder.Complete(ids); // each file is a text of its own
                file = chunk.Path;
                encoder.Append(chunk.Text, ids);
                builder.Append(CollectionsMarshal.AsSpan(ids));
            }
            ids.Clear();
            encoder.Complete(ids);
            builder.Append(CollectionsMarshal.AsSpan(ids));
        }
        catch (UnknownTokenException e)
        {
            throw new CorpusException($"The corpus file '{file}' has characters the tokenizer does not know. {e.Message}",
                file, innerException: e);
        }
        return builder.Build();
    }

    /// <summary>Releases the token storage.</summary>
    public void Dispose()
    {
        foreach (var stream in _owned) stream.Dispose();
    }

    private static IEnumerable<CorpusChunk> AllChunks(CorpusSource data, CorpusSource? validation, CorpusSource? test, Action<long>? bytesRead)
    {
        Action<long>? After(long before) => bytesRead is null ? null : read => bytesRead(before + read);
        foreach (var chunk in data.ReadReporting(bytesRead)) yield return chunk;
        if (validation is not null) foreach (var chunk in validation.ReadReporting(After(data.TotalBytes))) yield return chunk;
        if (test is not null) foreach (var chunk in test.ReadReporting(After(data.TotalBytes + (validation?.TotalBytes ?? 0)))) yield return chunk;
    }
}
