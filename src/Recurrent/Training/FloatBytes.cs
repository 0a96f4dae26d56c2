// FloatBytes: float arrays as their little-endian bytes and back, for state stored in checkpoints (a carried
// hidden state) — bit for bit, NaN payloads included.
using System.Runtime.InteropServices;

namespace Recurrent.Training;

/// <summary>Bit-exact float ⇄ byte conversion for checkpoint state.</summary>
public static class FloatBytes
{
    /// <summary>The bytes of <paramref name="values"/>.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>The floats of <paramref name="bytes"/>; InvalidDataException when the length is not a multiple of 4.</summary>
    public static float[] ToFloats(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0) throw new InvalidDataException($"A float array has {bytes.Length} bytes, not a multiple of 4.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
