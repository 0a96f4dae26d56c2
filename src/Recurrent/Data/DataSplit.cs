// DataSplit: train/validation/test as contiguous pieces of one token stream, in corpus order, by fractions —
// char-rnn's -train_frac/-val_frac (0.95/0.05/0 by default). Separate validation files are handled by
// LanguageDataset, which encodes them into their own stream.
namespace Recurrent.Data;

/// <summary>Fractions of the token stream for training, validation and test, taken in that order.</summary>
public readonly record struct SplitFractions(double Train, double Validation, double Test)
{
    /// <summary>char-rnn's default: 95% train, 5% validation, no test.</summary>
    public static SplitFractions CharRnnDefault => new(0.95, 0.05, 0.0);

    /// <summary>Throws ArgumentException unless each fraction is in [0, 1], Train &gt; 0 and the sum is at most 1.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(Train), Train), (nameof(Validation), Validation), (nameof(Test), Test) })
            if (!(value >= 0 && value <= 1)) throw new ArgumentException($"The {name.ToLowerInvariant()} fraction must be in [0, 1], got {value}.", name);
        if (Train <= 0) throw new ArgumentException($"The train fraction must be positive, got {Train}.", nameof(Train));
        if (Train + Validation + Test > 1 + 1e-9)
            throw new ArgumentException($"The fractions add up to {Train + Validation + Test}, more than 1.", nameof(Train));
    }
}

/// <summary>The three parts of a corpus' tokens; Validation and Test may be empty.</summary>
public sealed record TokenSplits(TokenStream Train, TokenStream Validation, TokenStream Test);

/// <summary>Splits a token stream into contiguous train/validation/test views.</summary>
public static class DataSplit
{
    /// <summary>
    /// Views [0, n_train), [n_train, n_train + n_val), [.., .. + n_test) of <paramref name="tokens"/>, with
    /// n_val = ⌊N·Validation⌋ and n_test = ⌊N·Test⌋; train takes the rest when the fractions add up to 1, else
    /// ⌊N·Train⌋ (the tail is unused). The views share the stream's storage.
    /// </summary>
    public static TokenSplits ByFractions(TokenStream tokens, SplitFractions fractions)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        fractions.Validate();
        long n = tokens.Length;
        long validation = (long)Math.Floor(n * fractions.Validation);
        long test = (long)Math.Floor(n * fractions.Test);
        bool whole = Math.Abs(fractions.Train + fractions.Validation + fractions.Test - 1) <= 1e-9;
        long train = whole ? n - validation - test : Math.Min((long)Math.Floor(n * fractions.Train), n - validation - test);
        return new TokenSplits(
            tokens.Slice(0, train),
            tokens.Slice(train, validation),
            tokens.Slice(train + validation, test));
    }
}
