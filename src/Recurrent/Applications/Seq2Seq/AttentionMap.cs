// AttentionMap: where an attending encoder–decoder looked while it decoded one source — the greedy output and,
// for each output step (each character and the end token), its attention weights over the source's positions as
// the encoder read them (reversed when the model reverses sources; the left padding, which gets weight 0, left
// out). The weights come from one teacher-forced pass over [start, output...], which is the greedy path itself,
// so they are the weights greedy decoding used. The CLI draws it (`rnn predict --attention-map`).
namespace Recurrent.Seq2Seq;

/// <summary>Attention weights of one decoded source.</summary>
/// <param name="Source">The source characters in the order the encoder read them.</param>
/// <param name="Output">The output characters, then "&lt;/s&gt;" when decoding ended with the end token.</param>
/// <param name="Weights">[output step, source position], each row summing to 1.</param>
public sealed record AttentionMap(string[] Source, string[] Output, double[,] Weights)
{
    /// <summary>
    /// Decodes <paramref name="source"/> greedily and returns its attention map. Throws ArgumentException for a model
    /// without attention or a source it cannot read.
    /// </summary>
    public static AttentionMap Compute(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var attention = model.Decoder.Attention
            ?? throw new ArgumentException("the model has no attention (it was trained without --attention), so it has no attention map.", nameof(model));
        var cfg = model.Config;
        int[] ids = Seq2SeqData.EncodeSource(vocabulary, cfg, source);
        Hypothesis hyp = Seq2SeqPredictor.Decode(model, vocabulary, [source])[0];
        var input = new List<int> { Seq2SeqVocabulary.Start };
        input.AddRange(hyp.Tokens);
        int steps = hyp.Finished ? input.Count : input.Count - 1;
        if (steps == 0) return new AttentionMap([], [], new double[0, 0]);
        model.Encode(ids, cfg.SourceLength, 1);
        model.Decoder.Forward(input.Take(steps).ToArray(), steps, 1, model.EncodedH, model.EncodedC, training: false);
        int first = Array.FindIndex(ids, id => id != Seq2SeqVocabulary.Pad);
        if (first < 0) first = ids.Length;
        int s = ids.Length - first;
        var weights = new double[steps, s];
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> row = attention.Weights(t);
            for (int j = 0; j < s; j++) weights[t, j] = row[first + j];
        }
        string[] sourceChars = ids.Skip(first).Select(id => vocabulary.Decode([id])).ToArray();
        var output = hyp.Tokens.Select(id => vocabulary.Decode([id])).ToList();
        if (hyp.Finished) output.Add("</s>");
        return new AttentionMap(sourceChars, output.ToArray(), weights);
    }
}
