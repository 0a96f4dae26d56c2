// TextGenerator: text from a trained language model — encode the prime with the model's tokenizer, feed it,
// then sample token after token (TokenSampler) and write each token's text as soon as it is complete
// (StreamDecoder), so a caller can stream to the console. Without a prime the model starts from the zero
// state after a newline token (or token 0 when the vocabulary has no single newline token), which is not
// written.
using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Sampling;
using System.Runtime.CompilerServices;

namespace Recurrent.LanguageModels;

/// <summary>Generates text from a per-step token model and its tokenizer.</summary>
public sealed class TextGenerator
{
    /// <summary>Temperatures at or below this are treated as argmax (the limit of softmax as T → 0).</summary>
    public const double ArgMaxTemperature = 1e-6;

    private readonly SequenceModel<float> _model;
    private readonly Tokenizer _tokenizer;

    /// <summary>Wraps a model whose vocabulary is the tokenizer's.</summary>
    public TextGenerator(SequenceModel<float> model, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (model.Config.OutputSize != tokenizer.VocabularySize)
            throw new ArgumentException($"The model predicts {model.Config.OutputSize} tokens but the tokenizer has {tokenizer.VocabularySize}.", nameof(tokenizer));
        _model = model;
        _tokenizer = tokenizer;
    }

    /// <summary>
    /// Sampling options for a temperature, top-k, top-p and argmax flag; a temperature at or below
    /// <see cref="ArgMaxTemperature"/> (including 0) selects argmax, whose output is the limit T → 0.
    /// </summary>
    public static SamplingOptions Options(double temperature, int topK = 0, double topP = 1.0, bool argMax = false)
    {
        bool greedy = argMax || (temperature >= 0 && temperature <= ArgMaxTemperature);
        var options = new SamplingOptions { Temperature = greedy ? 1.0 : temperature, TopK = topK, TopP = topP, ArgMax = greedy };
        options.Validate();
        return options;
    }

    /// <summary>
    /// Writes <paramref name="prime"/> (if any) and then <paramref name="length"/> generated tokens' text to
    /// <paramref name="output"/>, as it is produced. Throws <see cref="UnknownTokenException"/> (an
    /// ArgumentException naming the characters) when the prime has characters a char vocabulary lacks.
    /// The model's own carried state is not touched (sampling runs on a StepInference snapshot).
    /// </summary>
    public void Generate(string? prime, int length, SamplingOptions options, ulong seed, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (sampler, decoder, token) = Prepare(prime, length, options, seed);
        if (!string.IsNullOrEmpty(prime)) output.Write(prime);
        for (int i = 0; i < length; i++)
        {
            token = sampler.Next(token, options);
            decoder.Push(token, output);
        }
        decoder.Flush(output);
    }

    /// <summary>
    /// Streams the same text as <see cref="Generate(string?, int, SamplingOptions, ulong, TextWriter)"/> — the prime,
    /// then each generated token's text as soon as it is complete — as an async sequence of pieces; their
    /// concatenation equals the synchronous result for the same seed. <paramref name="cancellation"/> is checked
    /// before every token: enumeration then ends with <see cref="OperationCanceledException"/>.
    /// </summary>
    public async IAsyncEnumerable<string> GenerateAsync(string? prime, int maxTokens, SamplingOptions options, ulong seed,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var (sampler, decoder, token) = Prepare(prime, maxTokens, options, seed);
        if (!string.IsNullOrEmpty(prime)) yield return prime;
        for (int i = 0; i < maxTokens; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            token = sampler.Next(token, options);
            string piece = decoder.Push(token);
            if (piece.Length == 0) continue;
            yield return piece;
            await Task.Yield();   // let the consumer's continuation run; sampling is CPU-bound
        }
        string rest = decoder.Flush();
        if (rest.Length > 0) yield return rest;
    }

    /// <summary>
    /// <see cref="GenerateAsync(string?, int, SamplingOptions, ulong, CancellationToken)"/> with a temperature
    /// (0 = argmax, see <see cref="Options"/>).
    /// </summary>
    public IAsyncEnumerable<string> GenerateAsync(string? prime, int maxTokens, double temperature, ulong seed = 0,
        CancellationToken cancellation = default) =>
        GenerateAsync(prime, maxTokens, Options(temperature), seed, cancellation);

    // Checks the arguments, feeds all but the last prime token, and returns the sampler, a fresh decoder and the
    // token the first sample is drawn after.
    private (TokenSampler Sampler, StreamDecoder Decoder, int Token) Prepare(string? prime, int length, SamplingOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (length < 0) throw new ArgumentException($"length must be >= 0, got {length}.", nameof(length));
        options.Validate();
        int[] primeIds = string.IsNullOrEmpty(prime) ? [StartToken()] : _tokenizer.Encode(prime);
        if (primeIds.Length == 0) primeIds = [StartToken()];
        var sampler = new TokenSampler(_model, seed);
        sampler.Reset();
        for (int i = 0; i < primeIds.Length - 1; i++) sampler.Feed(primeIds[i]);
        return (sampler, _tokenizer.CreateStreamDecoder(), primeIds[^1]);
    }

    /// <summary>Generates into a string; see <see cref="Generate(string?, int, SamplingOptions, ulong, TextWriter)"/>.</summary>
    public string Generate(string? prime, int length, SamplingOptions options, ulong seed)
    {
        using var writer = new StringWriter();
        Generate(prime, length, options, seed, writer);
        return writer.ToString();
    }

    /// <summary>The token a prime-less sample starts from: a lone newline token if the vocabulary has one, else 0.</summary>
    public int StartToken()
    {
        try
        {
            int[] ids = _tokenizer.Encode("\n");
            if (ids.Length == 1 && ids[0] != _tokenizer.UnknownId) return ids[0];
        }
        catch (UnknownTokenException)
        {
            // no newline in the vocabulary
        }
        return 0;
    }
}
