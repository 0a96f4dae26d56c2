// TokenStream: a read-only sequence of token ids with one API whatever the storage — an int[] for small
// corpora, or a memory-mapped temporary file of 16-bit or 32-bit ids for large ones, so memory use is set by
// the configuration, not by the corpus size. Slices (train/validation/test) share the storage. Reads are
// thread-safe and allocate nothing.
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Recurrent.Data;

/// <summary>
/// Token ids of an encoded corpus: <see cref="Length"/>, an indexer and <see cref="CopyTo"/>. Dispose the stream
/// returned by <see cref="TokenStreamBuilder.Build"/> to release a memory-mapped file; slices share their
/// parent's storage and disposing them does nothing.
/// </summary>
public sealed class TokenStream : IDisposable
{
    private readonly TokenStorage _storage;
    private readonly long _offset;
    private readonly bool _owner;

    private TokenStream(TokenStorage storage, long offset, long length, bool owner)
    {
        _storage = storage;
        _offset = offset;
        Length = length;
        _owner = owner;
    }

    /// <summary>A stream over ids held in memory (the array is used as is, not copied).</summary>
    public static TokenStream FromArray(int[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return new TokenStream(new ArrayStorage(ids, ids.Length), 0, ids.Length, owner: true);
    }

    internal static TokenStream Owned(TokenStorage storage) => new(storage, 0, storage.Length, owner: true);

    /// <summary>Number of tokens.</summary>
    public long Length { get; }

    /// <summary>True when the ids live in a memory-mapped temporary file rather than in an array.</summary>
    public bool IsMemoryMapped => _storage is MappedStorage;

    /// <summary>Bytes per stored id: 4, or 2 for a memory-mapped stream whose vocabulary fits in 16 bits.</summary>
    public int BytesPerToken => _storage.BytesPerToken;

    /// <summary>The id at <paramref name="index"/> (0 ≤ index &lt; Length).</summary>
    public int this[long index]
    {
        get
        {
            if ((ulong)index >= (ulong)Length)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be in [0, {Length}).");
            return _storage.Get(_offset + index);
        }
    }

    /// <summary>Copies ids [start, start + destination.Length) into <paramref name="destination"/>.</summary>
    public void CopyTo(long start, Span<int> destination)
    {
        if (start < 0 || start > Length - destination.Length)
            throw new ArgumentOutOfRangeException(nameof(start), start,
                $"Cannot copy {destination.Length} tokens from position {start} of a stream of {Length}.");
        _storage.Read(_offset + start, destination);
    }

    /// <summary>A view of ids [start, start + length) sharing this stream's storage.</summary>
    public TokenStream Slice(long start, long length)
    {
        if (start < 0 || length < 0 || start > Length - length)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Slice [{start}, {start} + {length}) is outside [0, {Length}).");
        return new TokenStream(_storage, _offset + start, length, owner: false);
    }

    /// <summary>All ids as a new array (for small streams and tests).</summary>
    public int[] ToArray()
    {
        if (Length > Array.MaxLength) throw new InvalidOperationException($"{Length} tokens do not fit in one array.");
        var result = new int[Length];
        CopyTo(0, result);
        return result;
    }

    /// <summary>Releases the memory-mapped file (owner only).</summary>
    public void Dispose()
    {
        if (_owner) _storage.Dispose();
    }
}

internal abstract class TokenStorage : IDisposable
{
    public abstract long Length { get; }
    public abstract int BytesPerToken { get; }
    public abstract int Get(long index);
    public abstract void Read(long start, Span<int> destination);
    public virtual void Dispose() { }
}

internal sealed class ArrayStorage(int[] ids, long length) : TokenStorage
{
    public override long Length => length;
    public override int BytesPerToken => 4;
    public override int Get(long index) => ids[index];
    public override void Read(long start, Span<int> destination) => ids.AsSpan((int)start, destination.Length).CopyTo(destination);
}

/// <summary>Ids in a file mapped into memory, native-endian int32 or uint16. Owns the file and deletes it.</summary>
internal sealed class MappedStorage : TokenStorage
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _length;
    private readonly int _bytesPerToken;

    /// <summary>Maps <paramref name="stream"/> (already written) read-only; the map takes ownership of it.</summary>
    public MappedStorage(FileStream stream, long length, int bytesPerToken)
    {
        _length = length;
        _bytesPerToken = bytesPerToken;
        _file = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
            HandleInheritability.None, leaveOpen: false);
        _view = _file.CreateViewAccessor(0, length * bytesPerToken, MemoryMappedFileAccess.Read);
    }

    public override long Length => _length;
    public override int BytesPerToken => _bytesPerToken;

    public override int Get(long index) => _bytesPerToken == 2
        ? _view.ReadUInt16(index * 2)
        : _view.ReadInt32(index * 4);

    public override void Read(long start, Span<int> destination)
    {
        ulong byteOffset = (ulong)(_view.PointerOffset + start * _bytesPerToken);
        if (_bytesPerToken == 4)
        {
            _view.SafeMemoryMappedViewHandle.ReadSpan(byteOffset, destination);
            return;
        }
        // 16-bit ids: read them into the front half of the destination's bytes, then widen from the back
        // (int i occupies bytes 4i..4i+3, which hold only ushorts ≥ i, already widened).
        Span<ushort> narrow = MemoryMarshal.Cast<int, ushort>(destination)[..destination.Length];
        _view.SafeMemoryMappedViewHandle.ReadSpan(byteOffset, narrow);
        for (int i = destination.Length - 1; i >= 0; i--) destination[i] = narrow[i];
    }

    public override void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
