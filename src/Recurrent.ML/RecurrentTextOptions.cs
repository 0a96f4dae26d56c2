// RecurrentTextOptions: the settings of the RecurrentText trainer, in ML.NET's style (one options class per trainer,
// column names beside the hyper-parameters): the shared ones (RecurrentOptionsBase) plus the text column and how the
// text becomes tokens (characters or words, embedded or one-hot). The architecture maps onto ClassifierSettings.
using Microsoft.ML;
using Recurrent.Classification;

namespace Recurrent.ML;

/// <summary>
/// Options of <see cref="RecurrentCatalog.RecurrentText(MulticlassClassificationCatalog.MulticlassClassificationTrainers, RecurrentTextOptions)"/>:
/// a recurrent network reads the text token by token (characters or words) and its last step is classified.
/// </summary>
public sealed class RecurrentTextOptions : RecurrentOptionsBase
{
    /// <summary>The text column (string). Default "Text".</summary>
    public string TextColumnName { get; set; } = "Text";
    /// <summary>Text tokens: "char" (default) or "word" (whitespace and punctuation split).</summary>
    public string Tokens { get; set; } = "char";
    /// <summary>Token embedding size (default 32; 0 = one-hot inputs).</summary>
    public int EmbeddingSize { get; set; } = 32;

    /// <summary>The architecture in the core library's terms.</summary>
    internal ClassifierSettings ToSettings() => SharedSettings() with { EmbeddingSize = EmbeddingSize, Tokens = Tokens };

    /// <summary>Throws ArgumentOutOfRangeException naming the first impossible setting the core's own checks do not cover.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(TextColumnName, nameof(TextColumnName));
        if (Tokens is not ("char" or "word")) throw new ArgumentOutOfRangeException(nameof(Tokens), Tokens, "Tokens must be \"char\" or \"word\".");
        if (EmbeddingSize < 0) throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, "EmbeddingSize must be 0 (one-hot) or positive.");
        ValidateShared();
    }
}
