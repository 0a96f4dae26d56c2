// RunDirectory: the files of a training run of any kind of model — last.safetensors, best.safetensors, metrics.jsonl,
// stats.jsonl, samples.txt, predictions.json (and the plots the CLI adds) — and the checks made before a run writes there: the
// directory can be created and written, and a new run never overwrites an existing one (that needs --resume). A resumed run
// removes the temporary files that writes of a killed process left behind (ModelFile.WriteAtomically's
// ".NAME.tmp-PID"); the files they were meant to replace are intact.

namespace Recurrent.Training;

/// <summary>Paths and checks for a run directory.</summary>
public sealed class RunDirectory
{
    /// <summary>The checkpoint written at every evaluation and at the end.</summary>
    public const string LastFile = "last.safetensors";
    /// <summary>The checkpoint with the lowest validation loss.</summary>
    public const string BestFile = "best.safetensors";
    /// <summary>One JSON object per log line.</summary>
    public const string MetricsFile = "metrics.jsonl";
    /// <summary>Per-tensor training statistics, one JSON object per logged update (<see cref="TrainingStatistics"/>).</summary>
    public const string StatsFile = "stats.jsonl";
    /// <summary>Samples generated during training.</summary>
    public const string SamplesFile = "samples.txt";
    /// <summary>What the latest evaluation predicted (a confusion matrix, examples), for kinds whose evaluator says.</summary>
    public const string PredictionsFile = "predictions.json";

    /// <summary>Wraps <paramref name="path"/> (made absolute); does not touch the disk.</summary>
    public RunDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The directory.</summary>
    public string Path { get; }
    /// <summary>last.safetensors.</summary>
    public string Last => File(LastFile);
    /// <summary>best.safetensors.</summary>
    public string Best => File(BestFile);
    /// <summary>metrics.jsonl.</summary>
    public string Metrics => File(MetricsFile);
    /// <summary>stats.jsonl.</summary>
    public string Stats => File(StatsFile);
    /// <summary>samples.txt.</summary>
    public string Samples => File(SamplesFile);
    /// <summary>predictions.json.</summary>
    public string Predictions => File(PredictionsFile);

    /// <summary>A file in the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>True when the directory holds a run's checkpoint or metrics.</summary>
    public bool HoldsRun => System.IO.File.Exists(Last) || System.IO.File.Exists(Metrics);

    /// <summary>
    /// Creates the directory for a new run and checks that it can be written. Throws IOException naming the
    /// directory when it cannot be created or written, or when it already holds a run (which is never overwritten).
    /// </summary>
    public void PrepareNew()
    {
        if (HoldsRun)
            throw new IOException($"The run directory '{Path}' already holds a run ({LastFile} or {MetricsFile}); " +
                "continue it with --resume, or choose another --run-dir. Nothing was changed.");
        EnsureWritable();
    }

    /// <summary>
    /// Gets the directory ready for a run resumed at <paramref name="step"/>: it must be writable, temporary files of
    /// a killed writer are removed, and metrics.jsonl, stats.jsonl and samples.txt are cut back to that step (what a killed run
    /// wrote after its last checkpoint would otherwise appear twice).
    /// </summary>
    public void PrepareResume(long step)
    {
        EnsureWritable();
        RemoveInterruptedWrites();
        MetricsLog.TruncateAfter(Metrics, step);
        TrainingStatistics.TruncateAfter(Stats, step);
        TruncateSamplesAfter(step);
    }

    /// <summary>
    /// Cuts samples.txt back to the samples of updates up to <paramref name="step"/> (what a resume from that step
    /// has done), so samples a killed run wrote after its last checkpoint are not there twice.
    /// </summary>
    public void TruncateSamplesAfter(long step)
    {
        if (!System.IO.File.Exists(Samples)) return;
        string text = System.IO.File.ReadAllText(Samples, MetricsLog.Utf8);
        int cut = -1;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"(?m)^---- step (\d+) ----$"))
            if (long.TryParse(m.Groups[1].ValueSpan, out long s) && s > step) { cut = m.Index; break; }
        if (cut < 0) return;
        byte[] kept = MetricsLog.Utf8.GetBytes(text[..cut]);
        Serialization.ModelFile.WriteAtomically(Samples, stream => stream.Write(kept));
    }

    /// <summary>
    /// Deletes temporary files (".NAME.tmp-PID") of atomic writes interrupted by a killed process; files of a
    /// process still running are kept. Returns how many were removed.
    /// </summary>
    public int RemoveInterruptedWrites()
    {
        int removed = 0;
        if (!Directory.Exists(Path)) return 0;
        foreach (string file in Directory.EnumerateFiles(Path, ".*.tmp-*"))
        {
            string name = System.IO.Path.GetFileName(file);
            int at = name.LastIndexOf(".tmp-", StringComparison.Ordinal);
            if (!int.TryParse(name.AsSpan(at + 5), out int pid) || IsRunning(pid)) continue;
            try { System.IO.File.Delete(file); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Checks that the directory can be written (creating it if needed); IOException naming it otherwise.</summary>
    public void EnsureWritable()
    {
        string probe = File($".write-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path);
            System.IO.File.WriteAllBytes(probe, [1]);
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write to the run directory '{Path}': {e.Message} Choose a writable --run-dir.", e);
        }
    }
}
