// TailReader: follows one append-only text file of a run directory (metrics.jsonl, stats.jsonl, samples.txt) as it
// grows: each Poll returns the complete lines added since the last one (a line still being written waits for its
// newline). A file that shrank was rewritten — a resumed run cuts its logs back to the checkpoint's step — so the
// reader starts again from the beginning and says so, and the page drops what it had for that file.
using System.Text;

namespace Recurrent.Cli.Dashboard;

internal sealed class TailReader(string path)
{
    private long _offset;
    private byte[] _pending = [];

    /// <summary>The followed file.</summary>
    public string Path { get; } = path;

    /// <summary>The complete lines appended since the last call, and whether the file was rewritten (read again from its start).</summary>
    public (List<string> Lines, bool Restarted) Poll()
    {
        var lines = new List<string>();
        bool restarted = false;
        long length;
        try { length = new FileInfo(Path).Exists ? new FileInfo(Path).Length : 0; }
        catch (IOException) { return (lines, false); }
        if (length < _offset)
        {
            _offset = 0;
            _pending = [];
            restarted = true;
        }
        if (length == _offset) return (lines, restarted);
        byte[] chunk;
        try
        {
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(_offset, SeekOrigin.Begin);
            chunk = new byte[length - _offset];
            int read = 0;
            while (read < chunk.Length)
            {
                int n = stream.Read(chunk, read, chunk.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read < chunk.Length) Array.Resize(ref chunk, read);
        }
        catch (IOException)
        {
            return (lines, restarted); // replaced while being read (an atomic rewrite): the next poll sees the new file
        }
        _offset += chunk.Length;
        byte[] data = _pending.Length == 0 ? chunk : [.. _pending, .. chunk];
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != (byte)'\n') continue;
            lines.Add(Encoding.UTF8.GetString(data, start, i - start).TrimEnd('\r'));
            start = i + 1;
        }
        _pending = data[start..];
        return (lines, restarted);
    }
}
