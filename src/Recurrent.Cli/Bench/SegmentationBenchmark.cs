// SegmentationBenchmark: `rnn bench --segmentation` — the jieba tokenizer's streaming path against jieba.NET's own
// JiebaSegmenter.Cut on the whole text as one string, on the same generated Chinese prose (GeneratedChinese), in the
// same process: MB/s of UTF-8 text, the median of the repetitions, and the ratio. The streaming path is what
// `rnn train --tokenizer jieba` runs per pass: the text in 32K-character chunks, cut at run boundaries (JiebaSplitter),
// each piece looked up in the vocabulary; its memory is the chunk plus at most one open run, whatever the corpus.
using System.Diagnostics;
using System.Text;
using JiebaNet.Segmenter;
using Recurrent.Chinese;
using Recurrent.Data;

namespace Recurrent.Cli.Bench;

internal static class SegmentationBenchmark
{
    public const int ChunkCharacters = 32 * 1024;

    public sealed record Result(double Megabytes, int Characters, double CutMegabytesPerSecond, double StreamMegabytesPerSecond,
        long CutPieces, long StreamTokens);

    public static Result Run(int characters, int repetitions, Action<string>? log = null)
    {
        string text = GeneratedChinese.Text(characters, seed: 7);
        double megabytes = Encoding.UTF8.GetByteCount(text) / 1e6;
        // Loads jieba with this package's data (a JiebaSegmenter made first would look for Resources/ beside the tool).
        var tokenizer = TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, [text[..Math.Min(text.Length, 200_000)]]);
        var segmenter = new JiebaSegmenter();
        var cut = new List<double>();
        var stream = new List<double>();
        long cutPieces = 0, streamTokens = 0;
        for (int r = 0; r < repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            cutPieces = segmenter.Cut(text, cutAll: false, hmm: true).Count();
            cut.Add(megabytes / clock.Elapsed.TotalSeconds);

            clock.Restart();
            streamTokens = Stream(tokenizer, text);
            stream.Add(megabytes / clock.Elapsed.TotalSeconds);
            log?.Invoke($"  repetition {r + 1}: Cut {cut[^1]:F2} MB/s, streaming {stream[^1]:F2} MB/s");
        }
        return new Result(megabytes, text.Length, Median(cut), Median(stream), cutPieces, streamTokens);
    }

    private static long Stream(Tokenizer tokenizer, string text)
    {
        var encoder = tokenizer.CreateStreamEncoder();
        var ids = new List<int>(ChunkCharacters);
        long count = 0;
        for (int at = 0; at < text.Length; at += ChunkCharacters)
        {
            ids.Clear();
            encoder.Append(text.AsSpan(at, Math.Min(ChunkCharacters, text.Length - at)), ids);
            count += ids.Count;
        }
        ids.Clear();
        encoder.Complete(ids);
        return count + ids.Count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
