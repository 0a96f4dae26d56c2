// Seq2SeqPredictor: decodes sources with a trained encoder–decoder — greedy decoding in batches, or beam search
// one source at a time — and turns the tokens back into text.
namespace Recurrent.Seq2Seq;

/// <summary>Decodes texts with a <see cref="Seq2SeqModel{T}"/>.</summary>
public static class Seq2SeqPredictor
{
    /// <summary>
    /// Decodes every source: greedy when <paramref name="beam"/> is 1 (in batches of <paramref name="batchSize"/>),
    /// else beam search of that width. Throws ArgumentException for a source with unknown characters or too long.
    /// </summary>
    public static Hypothesis[] Decode(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, IReadOnlyList<string> sources,
        int beam = 1, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sources);
        if (beam <= 0) throw new ArgumentException($"beam must be positive, got {beam}.", nameof(beam));
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, got {batchSize}.", nameof(batchSize));
        var cfg = model.Config;
        var result = new Hypothesis[sources.Count];
        int chunk = beam == 1 ? batchSize : 1;
        for (int at = 0; at < sources.Count; at += chunk)
        {
            int b = Math.Min(chunk, sources.Count - at);
            var part = Enumerable.Range(at, b).Select(i => sources[i]).ToArray();
            model.Encode(Seq2SeqData.SourceBatch(vocabulary, cfg, part), cfg.SourceLength, b);
            if (beam == 1)
            {
                var hyps = Decoding.Greedy(model.Decoder, model.EncodedH, model.EncodedC, b, Seq2SeqVocabulary.Start,
                    Seq2SeqVocabulary.End, cfg.MaxTargetLength);
                hyps.CopyTo(result, at);
            }
            else
            {
                float[] h = model.EncodedH.ToArray(), c = model.EncodedC.ToArray();
                result[at] = Decoding.BeamSearch<float>(model.Decoder, h, c, beam, Seq2SeqVocabulary.Start, Seq2SeqVocabulary.End, cfg.MaxTargetLength);
            }
        }
        return result;
    }

    /// <summary>Decoded texts of <see cref="Decode"/>.</summary>
    public static string[] Predict(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, IReadOnlyList<string> sources, int beam = 1) =>
        Decode(model, vocabulary, sources, beam).Select(h => vocabulary.Decode(h.Tokens)).ToArray();
}
