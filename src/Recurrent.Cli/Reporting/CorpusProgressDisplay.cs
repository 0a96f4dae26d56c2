// CorpusProgressDisplay: the progress line of the passes over a corpus before training starts — building the
// vocabulary (for word and jieba tokenizers, segmenting the whole text) and encoding it into token ids — with the
// megabytes read, the speed and the time left. A pass that ends within a second shows nothing, so only large
// corpora print it; in a terminal the line is rewritten in place, otherwise a line is printed every 10 seconds.
// Every pass that showed a line ends with one that says how long it took.
using System.Diagnostics;
using Recurrent.Data;

namespace Recurrent.Cli.Reporting;

internal sealed class CorpusProgressDisplay(string tokenizerKind)
{
    private const double ShowAfterSeconds = 1;
    private const double PlainEverySeconds = 10;
    private readonly bool _live = !Console.IsOutputRedirected;
    private readonly Stopwatch _clock = new();
    private string? _stage;
    private CorpusProgress _last;
    private bool _shown;
    private double _lastShownAt;
    private int _lastLength;

    public void Report(CorpusProgress progress)
    {
        if (progress.Stage != _stage)
        {
            Finish();
            _stage = progress.Stage;
            _shown = false;
            _clock.Restart();
        }
        _last = progress;
        double elapsed = _clock.Elapsed.TotalSeconds;
        if (elapsed < ShowAfterSeconds) return;
        if (_shown && elapsed - _lastShownAt < (_live ? 0.25 : PlainEverySeconds)) return;
        Show(Line(progress, elapsed, done: false), final: false);
    }

    /// <summary>Ends the current pass's line (if it showed one).</summary>
    public void Finish()
    {
        if (!_shown || _stage is null) return;
        Show(Line(_last with { BytesRead = _last.TotalBytes }, _clock.Elapsed.TotalSeconds, done: true), final: true);
    }

    private string Line(CorpusProgress p, double elapsed, bool done)
    {
        string what = p.Stage == CorpusProgress.Vocabulary
            ? tokenizerKind is TokenizerKinds.Word or TokenizerKinds.Jieba ? $"segmenting ({tokenizerKind}) for the vocabulary" : "reading for the vocabulary"
            : tokenizerKind == TokenizerKinds.Jieba ? "segmenting (jieba) into token ids" : "encoding into token ids";
        double mb = p.BytesRead / 1e6, total = p.TotalBytes / 1e6, speed = elapsed > 0 ? mb / elapsed : 0;
        if (done) return $"corpus: {what}: {Format.Number(total, "F1")} MB in {Format.Duration(elapsed)} ({Format.Number(speed, "F1")} MB/s)";
        double left = speed > 0 ? (total - mb) / speed : 0;
        return $"corpus: {what}: {Format.Number(mb, "F1")} / {Format.Number(total, "F1")} MB ({Format.Number(100 * mb / Math.Max(total, 1e-9), "F0")}%), " +
               $"{Format.Number(speed, "F1")} MB/s, {Format.Duration(left)} left";
    }

    private void Show(string line, bool final)
    {
        if (_live)
        {
            Console.Write("\r" + line.PadRight(_lastLength) + (final ? "\n" : ""));
            _lastLength = final ? 0 : line.Length;
        }
        else
        {
            Console.WriteLine(line);
        }
        _shown = !final;
        _lastShownAt = _clock.Elapsed.TotalSeconds;
    }
}
