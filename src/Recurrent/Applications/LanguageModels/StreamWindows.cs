// StreamWindows: the layout in which a token stream is read for evaluation, shared by LanguageModelEvaluator
// (static) and DynamicEvaluation, so the two score exactly the same predictions in the same order. The N−1
// predictions of the stream are cut into B contiguous pieces of ⌈(N−1)/B⌉ predictions, one per batch row; each
// piece starts from the zero state and is read in windows of T steps; positions past a piece's end are masked
// (ignore index), so every prediction counts exactly once. Split over the ranks of a data-parallel job, rank r reads
// only its share of the B rows (GradientReduction.Share) — the same pieces, windows and order — so the ranks' sums
// of the loss put together are the single-process sum.
using Recurrent.Data;
using Recurrent.Losses;

namespace Recurrent.LanguageModels;

internal sealed class StreamWindows
{
    private readonly TokenStream _tokens;
    private readonly long _predictions;
    private readonly int[] _row;          // (T+1) tokens of one row's window
    private readonly int _firstRow;       // the layout's index of this reader's first row

    public StreamWindows(TokenStream tokens, int batch, int sequenceLength, int rank = 0, int ranks = 1)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (batch <= 0) throw new ArgumentException($"batch must be positive, got {batch}.", nameof(batch));
        if (sequenceLength <= 0) throw new ArgumentException($"sequenceLength must be positive, got {sequenceLength}.", nameof(sequenceLength));
        _predictions = tokens.Length - 1;
        if (_predictions < 1)
            throw new ArgumentException($"Evaluation needs at least 2 tokens, got {tokens.Length}.", nameof(tokens));
        _tokens = tokens;
        int layoutRows = (int)Math.Min(batch, _predictions);
        Piece = (_predictions + layoutRows - 1) / layoutRows;
        (_firstRow, Rows) = Training.GradientReduction.Share(layoutRows, rank, ranks);
        Window = (int)Math.Min(sequenceLength, Piece);
        Inputs = new int[Window * Rows];
        Targets = new int[Window * Rows];
        _row = new int[Window + 1];
    }

    /// <summary>Batch rows B read here (at most the number of predictions; one rank's share of them when split, maybe 0).</summary>
    public int Rows { get; }
    /// <summary>Predictions per row.</summary>
    public long Piece { get; }
    /// <summary>Steps per window T (at most <see cref="Piece"/>).</summary>
    public int Window { get; }
    /// <summary>(T,B) input ids of the last <see cref="Fill"/>; the first steps·B are valid.</summary>
    public int[] Inputs { get; }
    /// <summary>(T,B) target ids of the last <see cref="Fill"/>, −1 (ignore index) past a row's end.</summary>
    public int[] Targets { get; }

    /// <summary>Window starts (offsets within each row's piece): 0, T, 2T, ... below <see cref="Piece"/>.</summary>
    public IEnumerable<long> Starts()
    {
        for (long start = 0; start < Piece; start += Window) yield return start;
    }

    /// <summary>Fills <see cref="Inputs"/> and <see cref="Targets"/> with the window at <paramref name="start"/>; returns its steps.</summary>
    public int Fill(long start)
    {
        int steps = (int)Math.Min(Window, Piece - start);
        for (int b = 0; b < Rows; b++)
        {
            long row = _firstRow + b;
            long first = row * Piece + start;              // stream position of this row's first input
            long end = Math.Min((row + 1) * Piece, _predictions);
            int available = (int)Math.Clamp(end - first, 0, steps);
            if (available > 0) _tokens.CopyTo(first, _row.AsSpan(0, available + 1));
            for (int t = 0; t < steps; t++)
            {
                Inputs[t * Rows + b] = t < available ? _row[t] : 0;
                Targets[t * Rows + b] = t < available ? _row[t + 1] : SoftmaxCrossEntropy.IgnoreIndex;
            }
        }
        return steps;
    }
}
