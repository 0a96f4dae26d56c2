// Decoding: turning a SequenceDecoder and an initial state into output sequences, one step at a time on the
// decoder's own previous outputs. Greedy decoding takes the most likely token per step (for a whole batch at
// once); beam search (width k) keeps the k most likely prefixes, moves those that emit the end token to a
// finished list, and stops once no live prefix can beat the best finished one (log-probabilities only fall)
// or at the length limit. Scores are Σ log softmax in double, without length normalisation. The padding and start
// tokens are never emitted (they are inputs, not outputs: a model that gives them weight would otherwise write them
// into the text, and the attention rows of the following words would be labelled one step off); their
// probabilities are left out of the choice, not renormalised.
// Beam search is not monotone in its width: the greedy prefix can fall out of the beam and every surviving
// prefix end worse. BeamSearch therefore also decodes greedily and returns the greedy sequence when it scores
// higher (unless asked not to), so its result never scores below greedy decoding's.
// States are (L,B,H) as in RecurrentStack; beam rows are reordered by their parent prefix after every step.
// An attending decoder also carries its feed h̃ (B,H) from step to step (reordered with the states), and attends
// over the memory its model set (SetMemory) for the batch; beam search replicates the one source's memory for
// as many rows as the beam has, and puts the one-row memory back before it returns.
using System.Numerics;
using Recurrent.Layers;

namespace Recurrent.Seq2Seq;

/// <summary>Greedy decoding, beam search and teacher-forced scoring for a <see cref="SequenceDecoder{T}"/>.</summary>
public static class Decoding
{
    /// <summary>
    /// Greedy decoding of <paramref name="batch"/> sequences from initial states h0/c0 (L,B,H; c0 empty unless LSTM):
    /// start with <paramref name="start"/>, feed back the argmax (lowest id on ties), stop at <paramref name="end"/>
    /// or after <paramref name="maxLength"/> tokens.
    /// </summary>
    public static Hypothesis[] Greedy<T>(SequenceDecoder<T> decoder, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, int batch,
        int start, int end, int maxLength) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(decoder);
        Check(decoder, h0, c0, batch, start, end, maxLength);
        int v = decoder.Vocabulary;
        bool lstm = decoder.Cell.HasCellState();
        T[] h = h0.ToArray(), c = lstm ? c0.ToArray() : [];
        T[] feed = decoder.Attention is null ? [] : new T[batch * decoder.Stack.HiddenSize];
        var tokens = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var scores = new double[batch];
        var done = new bool[batch];
        var input = new int[batch];
        Array.Fill(input, start);
        var logp = new double[v];
        for (int step = 0; step < maxLength && done.Contains(false); step++)
        {
            ReadOnlySpan<T> logits = decoder.Forward(input, 1, batch, h, c, training: false, feed);
            for (int b = 0; b < batch; b++)
            {
                if (done[b]) { input[b] = end; continue; }
                LogSoftmax(logits.Slice(b * v, v), logp);
                int best = -1;
                for (int j = 0; j < v; j++)
                    if (Emittable(j, start) && (best < 0 || logp[j] > logp[best])) best = j;
                scores[b] += logp[best];
                if (best == end) done[b] = true;
                else tokens[b].Add(best);
                input[b] = best;
            }
            decoder.FinalH.CopyTo(h);
            if (lstm) decoder.FinalC.CopyTo(c);
            decoder.FinalFeed.CopyTo(feed);
        }
        return Enumerable.Range(0, batch).Select(b => new Hypothesis(tokens[b].ToArray(), done[b], scores[b])).ToArray();
    }

    /// <summary>
    /// Beam search of width <paramref name="width"/> for one sequence from initial state h0/c0 (L,1,H). Returns the
    /// highest-scoring hypothesis among the finished ones and those alive at the length limit; with
    /// <paramref name="greedyFloor"/> the greedy hypothesis is a candidate too (see the file header).
    /// Width 1 without the floor is exactly greedy decoding.
    /// </summary>
    public static Hypothesis BeamSearch<T>(SequenceDecoder<T> decoder, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, int width,
        int start, int end, int maxLength, bool greedyFloor = true) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(decoder);
        Check(decoder, h0, c0, 1, start, end, maxLength);
        if (width <= 0) throw new ArgumentException($"width must be positive, got {width}.", nameof(width));
        int v = decoder.Vocabulary, layers = decoder.Stack.Layers, hidden = decoder.Stack.HiddenSize;
        bool lstm = decoder.Cell.HasCellState();

        var attention = decoder.Attention;
        T[] memory = attention is null ? [] : attention.Memory.ToArray();  // (S,1,E) the source's
        bool[] mask = attention is null ? [] : attention.Mask.ToArray();   // (S,1)
        int sourceSteps = attention?.SourceSteps ?? 0;
        if (attention is not null && attention.Batch != 1)
            throw new InvalidOperationException($"Beam search decodes one source; the decoder's memory has {attention.Batch} rows.");
        var alive = new List<(List<int> Tokens, double Score)> { (new List<int>(), 0.0) };
        T[] h = h0.ToArray(), c = lstm ? c0.ToArray() : [];
        T[] feed = attention is null ? [] : new T[hidden];
        var finished = new List<Hypothesis>();
        var logp = new double[v];
        var candidates = new List<(double Score, int Row, int Token)>();
        for (int step = 0; step < maxLength && alive.Count > 0; step++)
        {
            int rows = alive.Count;
            var input = alive.Select(a => a.Tokens.Count == 0 ? start : a.Tokens[^1]).ToArray();
            if (attention is not null) SetReplicatedMemory(decoder, memory, mask, sourceSteps, rows);
            ReadOnlySpan<T> logits = decoder.Forward(input, 1, rows, h, c, training: false, feed);
            candidates.Clear();
            for (int r = 0; r < rows; r++)
            {
                LogSoftmax(logits.Slice(r * v, v), logp);
                for (int j = 0; j < v; j++)
                    if (Emittable(j, start)) candidates.Add((alive[r].Score + logp[j], r, j));
            }
            // Highest score first; ties by row, then token id, so width 1 picks exactly greedy's argmax.
            candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Token.CompareTo(b.Token));
            var next = new List<(List<int> Tokens, double Score)>(width);
            var parents = new List<int>(width);
            for (int i = 0; i < candidates.Count && next.Count < width; i++)
            {
                var (score, row, token) = candidates[i];
                if (token == end)
                {
                    if (i < width) finished.Add(new Hypothesis(alive[row].Tokens.ToArray(), true, score));
                    continue;
                }
                next.Add((new List<int>(alive[row].Tokens) { token }, score));
                parents.Add(row);
            }
            // Reorder states: new row j continues old row parents[j]; (L,B,H) layout, layer-major.
            T[] fh = decoder.FinalH.ToArray(), fc = lstm ? decoder.FinalC.ToArray() : [], ff = decoder.FinalFeed.ToArray();
            h = new T[layers * next.Count * hidden];
            c = lstm ? new T[h.Length] : [];
            if (attention is not null)
            {
                feed = new T[next.Count * hidden];
                for (int j = 0; j < next.Count; j++) ff.AsSpan(parents[j] * hidden, hidden).CopyTo(feed.AsSpan(j * hidden, hidden));
            }
            for (int l = 0; l < layers; l++)
                for (int j = 0; j < next.Count; j++)
                {
                    fh.AsSpan((l * rows + parents[j]) * hidden, hidden).CopyTo(h.AsSpan((l * next.Count + j) * hidden, hidden));
                    if (lstm) fc.AsSpan((l * rows + parents[j]) * hidden, hidden).CopyTo(c.AsSpan((l * next.Count + j) * hidden, hidden));
                }
            alive = next;
            double bestFinished = finished.Count == 0 ? double.NegativeInfinity : finished.Max(f => f.LogProbability);
            if (alive.Count == 0 || alive.Max(a => a.Score) <= bestFinished) { alive.Clear(); break; }
        }
        if (attention is not null) decoder.SetMemory(memory, mask, sourceSteps, 1);
        var all = finished.Concat(alive.Select(a => new Hypothesis(a.Tokens.ToArray(), false, a.Score))).ToList();
        // Highest score; on equal scores the earlier (finished first, then beam order) wins.
        Hypothesis best = all[0];
        foreach (var hyp in all) if (hyp.LogProbability > best.LogProbability) best = hyp;
        if (greedyFloor)
        {
            Hypothesis greedy = Greedy(decoder, h0, c0, 1, start, end, maxLength)[0];
            if (greedy.LogProbability > best.LogProbability) best = greedy;
        }
        return best;
    }

    /// <summary>
    /// The model's log-probability of emitting <paramref name="tokens"/> (then the end token when
    /// <paramref name="finished"/>) from initial state h0/c0 (L,1,H): one teacher-forced forward pass.
    /// </summary>
    public static double LogProbability<T>(SequenceDecoder<T> decoder, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0,
        int start, int end, ReadOnlySpan<int> tokens, bool finished) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var targets = new List<int>(tokens.ToArray());
        if (finished) targets.Add(end);
        if (targets.Count == 0) return 0;
        var input = new int[targets.Count];
        input[0] = start;
        for (int t = 1; t < input.Length; t++) input[t] = targets[t - 1];
        int v = decoder.Vocabulary;
        ReadOnlySpan<T> logits = decoder.Forward(input, input.Length, 1, h0, c0, training: false);
        var logp = new double[v];
        double total = 0;
        for (int t = 0; t < targets.Count; t++)
        {
            LogSoftmax(logits.Slice(t * v, v), logp);
            total += logp[targets[t]];
        }
        return total;
    }

    // The one source's memory (S,1,E) and mask (S,1) repeated for `rows` beam rows, (S,rows,E) and (S,rows).
    private static void SetReplicatedMemory<T>(SequenceDecoder<T> decoder, T[] memory, bool[] mask, int sourceSteps, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int e = decoder.Attention!.MemorySize;
        var m = new T[sourceSteps * rows * e];
        var k = new bool[sourceSteps * rows];
        for (int s = 0; s < sourceSteps; s++)
            for (int r = 0; r < rows; r++)
            {
                memory.AsSpan(s * e, e).CopyTo(m.AsSpan((s * rows + r) * e, e));
                k[s * rows + r] = mask[s];
            }
        decoder.SetMemory(m, k, sourceSteps, rows);
    }

    /// <summary>log softmax of one row of logits, computed in double.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> logits, Span<double> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < logits.Length; j++) max = Math.Max(max, double.CreateChecked(logits[j]));
        double sum = 0;
        for (int j = 0; j < logits.Length; j++) sum += Math.Exp(double.CreateChecked(logits[j]) - max);
        double log = max + Math.Log(sum);
        for (int j = 0; j < logits.Length; j++) result[j] = double.CreateChecked(logits[j]) - log;
    }

    /// <summary>Whether decoding may emit <paramref name="token"/>: anything but the padding and start tokens.</summary>
    private static bool Emittable(int token, int start) => token != Seq2SeqVocabulary.Pad && token != start;

    private static void Check<T>(SequenceDecoder<T> decoder, ReadOnlySpan<T> h0, ReadOnlySpan<T> c0, int batch, int start, int end, int maxLength)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (maxLength <= 0) throw new ArgumentException($"maxLength must be positive, got {maxLength}.", nameof(maxLength));
        int n = decoder.StateSize(batch);
        if (h0.Length != n) throw new ArgumentException($"h0 has {h0.Length} values; expected (L,B,H) = {n}.", nameof(h0));
        if (decoder.Cell.HasCellState() ? c0.Length != n : !c0.IsEmpty)
            throw new ArgumentException($"c0 has {c0.Length} values; expected {(decoder.Cell.HasCellState() ? n : 0)}.", nameof(c0));
        if ((uint)start >= (uint)decoder.Vocabulary) throw new ArgumentException($"start {start} is outside [0, {decoder.Vocabulary}).", nameof(start));
        if ((uint)end >= (uint)decoder.Vocabulary) throw new ArgumentException($"end {end} is outside [0, {decoder.Vocabulary}).", nameof(end));
    }
}
