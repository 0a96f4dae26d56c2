// Captioner: a trained captioning model ready to caption images from their features — the generator, its word
// vocabulary, the feature standardisation of its training images and the description of the extractor the
// features must come from. Caption standardises the features, decodes greedily (beam 1) or by beam search, and
// for an attending model reads back the attention weights of the decoded path (ConditionedGenerator.AttentionWeights).
using Recurrent.Seq2Seq;

namespace Recurrent.Captioning;

/// <summary>Captions images from their CNN features.</summary>
public sealed class Captioner
{
    /// <summary>A captioner of <paramref name="model"/>; <paramref name="features"/> describes the extractor.</summary>
    public Captioner(ConditionedGenerator<float> model, CaptionVocabulary vocabulary, CaptionFeatureStandardisation standardisation, string features)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(standardisation);
        ArgumentNullException.ThrowIfNull(features);
        if (vocabulary.Size != model.Config.Vocabulary)
            throw new ArgumentException($"The vocabulary has {vocabulary.Size} tokens but the model {model.Config.Vocabulary}.", nameof(vocabulary));
        if (standardisation.Features != model.Config.Features || (model.Config.Attends && standardisation.Grid is null))
            throw new ArgumentException($"The standardisation covers {standardisation.Features} channels{(standardisation.Grid is null ? " without a grid" : "")}; the model reads {model.Config.Features}{(model.Config.Attends ? " with a grid" : "")}.", nameof(standardisation));
        Model = model;
        Vocabulary = vocabulary;
        Standardisation = standardisation;
        Features = features;
    }

    /// <summary>The generator.</summary>
    public ConditionedGenerator<float> Model { get; }
    /// <summary>Its word vocabulary.</summary>
    public CaptionVocabulary Vocabulary { get; }
    /// <summary>The feature standardisation of its training images.</summary>
    public CaptionFeatureStandardisation Standardisation { get; }
    /// <summary>What computed the features it reads, e.g. "resnet18 pooled+grid 7x7".</summary>
    public string Features { get; }
    /// <summary>F, the pooled vector's length.</summary>
    public int FeatureSize => Model.Config.Features;
    /// <summary>R, the grid's regions (0: the model reads no grid).</summary>
    public int Regions => Model.Config.Regions;

    /// <summary>
    /// Captions one image from its raw (unstandardised) pooled vector (F) and, for a model with attention, its grid
    /// (R·F, region-major; ignored — may be null — without attention): greedy for <paramref name="beam"/> 1, else beam
    /// search. Throws ArgumentException for features of the wrong size or a missing grid.
    /// </summary>
    public GeneratedCaption Caption(float[] pooled, float[]? grid, int beam = 1)
    {
        ArgumentNullException.ThrowIfNull(pooled);
        int f = FeatureSize, r = Regions;
        if (pooled.Length != f)
            throw new ArgumentException($"pooled has {pooled.Length} values; the model reads {f} (features from '{Features}').", nameof(pooled));
        if (beam <= 0) throw new ArgumentException($"beam must be positive, got {beam}.", nameof(beam));
        float[] p = Standardisation.ApplyPooled(pooled);
        float[]? g = null;
        if (r > 0)
        {
            if (grid is null || grid.Length != r * f)
                throw new ArgumentException($"grid has {grid?.Length ?? 0} values; the model attends over (R,F) = {r}*{f} (features from '{Features}').", nameof(grid));
            g = Standardisation.ApplyGrid(grid);
        }
        Hypothesis hyp = Model.Generate(p, g, 1, beam)[0];
        float[]? attention = r > 0 ? Model.AttentionWeights(p, g, hyp) : null;
        return new GeneratedCaption(Vocabulary.Decode(hyp.Tokens), hyp.Tokens, hyp.LogProbability, attention);
    }
}
