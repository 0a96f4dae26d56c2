// Property test (CsCheck): 10,000 hostile model files — a valid checkpoint (weights, optimizer moments, char
// tokenizer, training state) with bytes flipped, cut off, inserted, its 8-byte header length rewritten, its
// metadata (configuration, tokenizer, training state) edited and re-signed with a matching checksum so the
// deeper parsers see it, or plain random bytes — go through everything `rnn sample`/`rnn train --resume` do to
// a file (LanguageModelFile.Parse: safetensors, checksum, configuration, model, tokenizer, training state).
// Documented outcome: the file loads, or InvalidDataException naming it. Nothing else is thrown, and no input
// makes the reader allocate more than a small multiple of the file's own size (an untrusted length or
// dimension is checked against the file before it is used).
using System.Text;
using CsCheck;
using Recurrent.Training;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Serialization;
using Recurrent.Tests.Data;
using Xunit.Abstractions;

namespace Recurrent.Tests.Serialization;

public sealed class HostileModelFileProperties(ITestOutputHelper output)
{
    /// <summary>The only exception a hostile model file may cause.</summary>
    private static readonly Type[] DocumentedErrors = [typeof(InvalidDataException)];

    private const string Source = "hostile.safetensors";
    private static readonly Lazy<byte[]> Valid = new(BuildValidCheckpoint);

    [Fact]
    public void TenThousandMutatedModelFilesGiveOnlyDocumentedErrors()
    {
        byte[] valid = Valid.Value;
        var parsed = LanguageModelFile.Parse(valid, Source); // the unmutated file loads
        Assert.NotNull(parsed.TrainingState);

        int loaded = 0, rejected = 0;
        long largestAllocation = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        Mutations(valid).Sample(bytes =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = null;
            bool bpe = false;
            try { bpe = LanguageModelFile.Parse(bytes, Source).Tokenizer.Kind == TokenizerKinds.Bpe; }
            catch (Exception e) { error = e; }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (error is not null)
            {
                if (!DocumentedErrors.Contains(error.GetType()))
                    throw new InvalidOperationException($"undocumented {error.GetType().Name}: {error.Message}", error);
                if (!error.Message.Contains(Source, StringComparison.Ordinal))
                    throw new InvalidOperationException($"the message does not name the file: {error.Message}");
                Interlocked.Increment(ref rejected);
            }
            else Interlocked.Increment(ref loaded);
            // The reader copies the file, its header and its tensors a few times over, plus fixed tables
            // (a char tokenizer's 256 KB lookup); a length taken on trust would show up as far more.
            long limit = 24L * bytes.Length + (4 << 20);
            if (!bpe && allocated > limit)
                throw new InvalidOperationException($"allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file (limit {limit:N0})");
            long seen;
            while ((seen = Interlocked.Read(ref largestAllocation)) < allocated && Interlocked.CompareExchange(ref largestAllocation, allocated, seen) != seen) { }
        }, iter: 10_000, print: b => $"{b.Length} bytes: {Convert.ToHexString(b.AsSpan(0, Math.Min(b.Length, 64)))}...");

        output.WriteLine($"10,000 mutated model files of ~{valid.Length:N0} bytes: {loaded} loaded, {rejected} rejected with InvalidDataException; " +
            $"largest allocation {largestAllocation:N0} bytes; {started.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(10_000, loaded + rejected);
        Assert.True(rejected > 9_000, $"only {rejected} of 10,000 mutations were rejected");
    }

    [Fact]
    public void AForgedConfigurationIsRefusedBeforeTheModelIsBuilt()
    {
        // hidden_size 1,000,000 with a valid checksum: the model would need terabytes; the file holds a few thousand values.
        byte[] forged = Cli.BadInputTests.Resigned(Valid.Value, meta => meta["config"] = meta["config"].Replace("\"HiddenSize\":4", "\"HiddenSize\":1000000"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => LanguageModelFile.Parse(forged, Source));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
        Assert.Contains("parameter values but the file holds", e.Message);
    }

    [Theory]
    [InlineData(CellKind.Lstm, 2, 5, 3, false, true)]
    [InlineData(CellKind.Gru, 3, 0, 4, true, false)]
    [InlineData(CellKind.RnnTanh, 1, 7, 6, false, false)]
    public void TheParameterCountOfAConfigurationMatchesTheModel(CellKind cell, int layers, int embedding, int hidden, bool bidirectional, bool peepholes)
    {
        var config = new Recurrent.Models.ModelConfig
        {
            Input = embedding > 0 ? InputKind.Embedding : InputKind.OneHot, InputSize = 9, EmbeddingSize = embedding, Cell = cell,
            HiddenSize = hidden, Layers = layers, Bidirectional = bidirectional, Peepholes = peepholes, OutputSize = 9,
        };
        Assert.Equal(new Recurrent.Models.SequenceModel<float>(config, 1).Parameters.Count, (long)ModelFile.ParameterCount(config));
    }

    private static Gen<byte[]> Mutations(byte[] valid)
    {
        var flips = Gen.Select(Gen.Int[1, 4], Gen.Int, (n, seed) =>
        {
            var rng = new Random(seed);
            byte[] b = (byte[])valid.Clone();
            for (int i = 0; i < n; i++) b[rng.Next(b.Length)] ^= (byte)rng.Next(1, 256);
            return b;
        });
        var truncations = Gen.Int[0, valid.Length - 1].Select(n => valid[..n]);
        var insertions = Gen.Select(Gen.Int[0, valid.Length], Gen.Byte.Array[1, 16], (at, bytes) => (byte[])[.. valid[..at], .. bytes, .. valid[at..]]);
        var headerLengths = Gen.Select(Gen.Int[0, 5], Gen.ULong, Gen.Int[-16, 16], (kind, any, delta) =>
        {
            byte[] b = (byte[])valid.Clone();
            ulong length = BitConverter.ToUInt64(b);
            ulong forged = kind switch
            {
                0 => any,
                1 => (ulong)((long)length + delta),
                2 => (ulong)b.Length - 8 + (ulong)(delta & 15),
                3 => ulong.MaxValue - (ulong)(delta & 15),
                4 => (ulong)int.MaxValue + (ulong)delta,
                _ => (ulong)(delta & 15),
            };
            BitConverter.TryWriteBytes(b, forged);
            return b;
        });
        var metadata = Gen.Select(Gen.OneOf(Gen.Const("config"), Gen.Const("tokenizer"), Gen.Const("training"), Gen.Const("format_version"), Gen.Const("optimizer_steps")),
            Gen.Int[1, 3], Gen.Int, (key, n, seed) =>
        {
            var rng = new Random(seed);
            return Cli.BadInputTests.Resigned(valid, meta =>
            {
                char[] text = meta[key].ToCharArray();
                const string noise = "0123456789-+eE.,:[]{}\"\\ aZé\u4E00";
                for (int i = 0; i < n && text.Length > 0; i++)
                {
                    int at = rng.Next(text.Length);
                    switch (rng.Next(4))
                    {
                        case 0: text[at] = noise[rng.Next(noise.Length)]; break;
                        case 1: text = [.. text[..at], .. text[(at + 1)..]]; break;
                        case 2: text = [.. text[..at], .. rng.Next(2) == 0 ? "99999999" : "-1", .. text[at..]]; break;
                        default: text = text[..at]; break;
                    }
                }
                meta[key] = new string(text);
            });
        });
        var random = Gen.Byte.Array[0, 300];
        return Gen.Frequency((3, flips), (2, truncations), (2, insertions), (2, headerLengths), (3, metadata), (1, random));
    }

    private static byte[] BuildValidCheckpoint()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", "the cat sat on the mat; the dog ran. " + "abc abd abe.\n")] };
        using var data = spec.Load();
        var options = new LanguageModelOptions
        {
            Cell = CellKind.Lstm, Layers = 1, HiddenSize = 4, EmbeddingSize = 3, BatchSize = 2, SequenceLength = 4,
            Fit = new FitOptions { Steps = 2, EvalEvery = 0, LogEvery = 1 }, Seed = 1, SamplePrime = "the",
        };
        var trainer = LanguageModelRun.Start(options, data, Path.Combine(dir.Path, "run"), spec);
        trainer.Run();
        return File.ReadAllBytes(Path.Combine(dir.Path, "run", RunDirectory.LastFile));
    }
}
