// TokenStreamBuilder: collects the ids of an encoded corpus. Up to a configured number of tokens they stay in
// memory; past it they go to a temporary file (uint16 per id when the vocabulary fits in 16 bits, else int32)
// that is memory-mapped when the stream is built, so memory is bounded by the configuration, not the corpus.
// The temporary file is unlinked as soon as it is open (Unix) or deleted on close (Windows): nothing is
// left behind, even by a killed process.
using System.Runtime.InteropServices;

namespace Recurrent.Data;

/// <summary>Where encoded token ids are kept.</summary>
public sealed record TokenStorageOptions
{
    /// <summary>Corpora of up to this many tokens stay in an int[] (default 16M tokens, 64 MB); larger ones go to a memory-mapped temporary file.</summary>
    public long MaxInMemoryTokens { get; init; } = 16L << 20;

    /// <summary>Directory for the temporary file (default: the system temporary directory).</summary>
    public string? TemporaryDirectory { get; init; }

    /// <summary>Throws ArgumentException naming the first impossible setting.</summary>
    public void Validate()
    {
        if (MaxInMemoryTokens < 0 || MaxInMemoryTokens > Array.MaxLength)
            throw new ArgumentException($"MaxInMemoryTokens must be in [0, {Array.MaxLength}], got {MaxInMemoryTokens}.", nameof(MaxInMemoryTokens));
    }
}

/// <summary>Appends ids, then <see cref="Build"/>s a <see cref="TokenStream"/> (in memory or memory-mapped).</summary>
public sealed class TokenStreamBuilder : IDisposable
{
    private const int WriteBufferBytes = 1 << 20;
    private readonly int _vocabularySize;
    private readonly TokenStorageOptions _options;
    private readonly int _bytesPerToken;
    private int[] _memory = new int[1024];
    private FileStream? _file;
    private string? _filePath;
    private byte[]? _writeBuffer;
    private int _buffered;
    private long _count;
    private bool _built;

    /// <summary>A builder for ids in [0, <paramref name="vocabularySize"/>).</summary>
    public TokenStreamBuilder(int vocabularySize, TokenStorageOptions? options = null)
    {
        if (vocabularySize <= 0) throw new ArgumentException($"vocabularySize must be positive, got {vocabularySize}.", nameof(vocabularySize));
        options ??= new TokenStorageOptions();
        options.Validate();
        _vocabularySize = vocabularySize;
        _options = options;
        _bytesPerToken = vocabularySize <= 1 << 16 ? 2 : 4;
    }

    /// <summary>Ids appended so far.</summary>
    public long Count => _count;

    /// <summary>Appends ids; throws ArgumentException for an id outside the vocabulary.</summary>
    public void Append(ReadOnlySpan<int> ids)
    {
        ObjectDisposedException.ThrowIf(_built, this);
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)_vocabularySize)
                throw new ArgumentException($"Token id {ids[i]} is outside the vocabulary [0, {_vocabularySize}).", nameof(ids));
        if (_file is null && _count + ids.Length > _options.MaxInMemoryTokens) Spill();
        if (_file is null)
        {
            if (_count + ids.Length > _memory.Length)
                Array.Resize(ref _memory, (int)Math.Max(_count + ids.Length, Math.Min(2L * _memory.Length, _options.MaxInMemoryTokens)));
            ids.CopyTo(_memory.AsSpan((int)_count));
        }
        else
        {
            Write(ids);
        }
        _count += ids.Length;
    }

    /// <summary>Finishes: the ids as a stream (the builder can no longer be used). Dispose the stream when done.</summary>
    public TokenStream Build()
    {
        ObjectDisposedException.ThrowIf(_built, this);
        _built = true;
        if (_file is null)
        {
            var memory = _memory;
            _memory = [];
            return TokenStream.Owned(new ArrayStorage(memory, _count));
        }
        Flush();
        FileStream file = _file;
        _file = null;
        try
        {
            file.Flush();
            return TokenStream.Owned(new MappedStorage(file, _count, _bytesPerToken));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the temporary file if <see cref="Build"/> was not called.</summary>
    public void Dispose()
    {
        _built = true;
        _file?.Dispose();
        _file = null;
        _memory = [];
    }

    private void Spill()
    {
        string directory = _options.TemporaryDirectory ?? Path.GetTempPath();
        _filePath = Path.Combine(directory, $"recurrent-tokens-{Guid.NewGuid():N}.bin");
        try
        {
            _file = new FileStream(_filePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1,
                OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
            if (!OperatingSystem.IsWindows()) File.Delete(_filePath); // the open handle keeps the data
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the temporary token file in '{directory}': {e.Message} " +
                "Set another temporary directory or raise the in-memory token limit.", e);
        }
        _writeBuffer = new byte[WriteBufferBytes];
        Write(_memory.AsSpan(0, (int)_count));
        _memory = [];
    }

    private void Write(ReadOnlySpan<int> ids)
    {
        int perBuffer = WriteBufferBytes / _bytesPerToken;
        while (ids.Length > 0)
        {
            int room = perBuffer - _buffered / _bytesPerToken;
            int n = Math.Min(room, ids.Length);
            if (_bytesPerToken == 4)
            {
                MemoryMarshal.AsBytes(ids[..n]).CopyTo(_writeBuffer.AsSpan(_buffered));
            }
            else
            {
                Span<ushort> narrow = MemoryMarshal.Cast<byte, ushort>(_writeBuffer.AsSpan(_buffered, n * 2));
                for (int i = 0; i < n; i++) narrow[i] = (ushort)ids[i];
            }
            _buffered += n * _bytesPerToken;
            ids = ids[n..];
            if (_buffered == WriteBufferBytes) Flush();
        }
    }

    private void Flush()
    {
        if (_buffered == 0) return;
        try
        {
            _file!.Write(_writeBuffer!, 0, _buffered);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot write the temporary token file '{_filePath}': {e.Message} " +
                "Free disk space, set another temporary directory or raise the in-memory token limit.", e);
        }
        _buffered = 0;
    }
}
