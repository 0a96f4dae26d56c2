// Rng: the library's deterministic pseudo-random generator (xoshiro256**, seeded by SplitMix64).
// Every random choice in Recurrent (initialisation, dropout masks, data order, sampling) draws from an
// Rng so a fixed seed gives bit-identical results on every run and platform. Its whole state is four
// ulongs, so it can be saved in a checkpoint and restored exactly. Not cryptographic.
namespace Recurrent.Randomness;

/// <summary>
/// Deterministic pseudo-random generator (xoshiro256** by Blackman and Vigna, seeded with SplitMix64).
/// The same seed yields the same stream on every platform and .NET version.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose stream is fully determined by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The four state words, for checkpointing; see <see cref="FromState"/>.</summary>
    public (ulong, ulong, ulong, ulong) State => (_s0, _s1, _s2, _s3);

    /// <summary>Sets this generator's state (from <see cref="State"/>), continuing that stream exactly.</summary>
    public void Restore((ulong, ulong, ulong, ulong) state)
    {
        if ((state.Item1 | state.Item2 | state.Item3 | state.Item4) == 0)
            throw new ArgumentException("An all-zero state is not a valid xoshiro256** state.", nameof(state));
        (_s0, _s1, _s2, _s3) = state;
    }

    /// <summary>Restores a generator from <see cref="State"/>.</summary>
    public static Rng FromState((ulong, ulong, ulong, ulong) state)
    {
        var r = new Rng(0);
        (r._s0, r._s1, r._s2, r._s3) = state;
        if ((r._s0 | r._s1 | r._s2 | r._s3) == 0)
            throw new ArgumentException("An all-zero state is not a valid xoshiro256** state.", nameof(state));
        return r;
    }

    /// <summary>Next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="exclusiveMax"/>), without modulo bias.</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
            throw new ArgumentException($"exclusiveMax must be positive, got {exclusiveMax}.", nameof(exclusiveMax));
        ulong bound = (ulong)exclusiveMax;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>Standard normal sample (Box–Muller; one value per call, no cached pair, so the state is just four words).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A new generator seeded from this one, for an independent stream (e.g. dropout vs data order).</summary>
    public Rng Fork() => new Rng(NextUInt64());

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
