// TrainingDataSpec: which corpus a language-model run reads and how it is tokenized and split — stored in
// every checkpoint next to the options, so `--resume` reloads the same token streams without the user
// repeating the data flags. Loading goes through LanguageDataset; a resumed or fine-tuned run passes the
// checkpoint's tokenizer so the ids mean the same thing.
using Recurrent.Data;

namespace Recurrent.LanguageModels;

/// <summary>The corpus of a run: files, encoding, tokenizer settings and the validation split.</summary>
public sealed record TrainingDataSpec
{
    /// <summary>Training files, directories or globs (full paths once resolved by <see cref="Resolved"/>).</summary>
    public required IReadOnlyList<string> Data { get; init; }
    /// <summary>Separate validation files; null splits <see cref="Data"/> by <see cref="ValidationFraction"/>.</summary>
    public IReadOnlyList<string>? Validation { get; init; }
    /// <summary>Text encoding of every file; null = UTF-8.</summary>
    public string? Encoding { get; init; }
    /// <summary>Tokenizer kind (see <see cref="TokenizerKinds"/>).</summary>
    public string Tokenizer { get; init; } = TokenizerKinds.Char;
    /// <summary>Word and jieba tokenizers: the most pieces kept besides &lt;unk&gt;.</summary>
    public int? MaxVocabulary { get; init; }
    /// <summary>Jieba tokenizer: a user dictionary file (see <see cref="TokenizerOptions.UserDictionary"/>); its words end up in the tokenizer.</summary>
    public string? UserDictionary { get; init; }
    /// <summary>BPE tokenizer: the tiktoken base encoding.</summary>
    public string BpeEncoding { get; init; } = "cl100k_base";
    /// <summary>The last fraction of <see cref="Data"/> held out for validation (char-rnn: 0.05) when no validation files are given.</summary>
    public double ValidationFraction { get; init; } = 0.05;
    /// <summary>A corpus embedded in the program that wrote the run (its files are extracted anew on resume); informational for the library.</summary>
    public string? BuiltIn { get; init; }

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (Data is null || Data.Count == 0) throw new ArgumentException("Data needs at least one file, directory or glob.", nameof(Data));
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentException($"ValidationFraction must be in [0, 1), got {ValidationFraction}.", nameof(ValidationFraction));
        if (!TokenizerKinds.All.Contains(Tokenizer))
            throw new ArgumentException($"Tokenizer must be one of {string.Join(", ", TokenizerKinds.All)}, got '{Tokenizer}'.", nameof(Tokenizer));
        if (MaxVocabulary is <= 0) throw new ArgumentException($"MaxVocabulary must be positive, got {MaxVocabulary}.", nameof(MaxVocabulary));
        if (UserDictionary is not null && Tokenizer != TokenizerKinds.Jieba)
            throw new ArgumentException($"UserDictionary needs the jieba tokenizer, not '{Tokenizer}'.", nameof(UserDictionary));
    }

    /// <summary>The same spec with relative paths made absolute (so a resume works from any directory); built-in corpora are kept as named.</summary>
    public TrainingDataSpec Resolved() => BuiltIn is not null ? this : this with
    {
        Data = Data.Select(Absolute).ToArray(),
        Validation = Validation?.Select(Absolute).ToArray(),
        UserDictionary = UserDictionary is null ? null : Absolute(UserDictionary),
    };

    /// <summary>
    /// Reads and tokenizes the corpus; with <paramref name="tokenizer"/> the text is encoded with it (resume,
    /// fine-tuning) and characters it lacks raise a <see cref="CorpusException"/> naming the file.
    /// </summary>
    public LanguageDataset Load(Tokenizer? tokenizer = null) => Load(tokenizer, null);

    /// <summary>As <see cref="Load(Tokenizer?)"/>, reporting each pass over the corpus to <paramref name="progress"/>.</summary>
    public LanguageDataset Load(Tokenizer? tokenizer, Action<CorpusProgress>? progress)
    {
        Validate();
        return LanguageDataset.Load(new LanguageDatasetOptions
        {
            Data = Data,
            Validation = Validation,
            Encoding = Encoding,
            TokenizerKind = Tokenizer,
            TokenizerOptions = new TokenizerOptions { MaxVocabulary = MaxVocabulary, BpeEncoding = BpeEncoding, UserDictionary = UserDictionary },
            Tokenizer = tokenizer,
            Progress = progress,
            Split = new SplitFractions(1 - ValidationFraction, ValidationFraction, 0),
        });
    }

    // Globs keep their wildcards: only the part before the first wildcard is a path to anchor.
    private static string Absolute(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path);
}
