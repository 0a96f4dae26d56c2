// Hostile input: random and mutated corpus files, in several encodings and chunk sizes, end in a decoded text
// or a CorpusException, never another exception; mutated tokenizer JSON ends in a tokenizer or an
// InvalidDataException. Seeds are fixed, so a failure reproduces.
using System.Text;
using Recurrent.Data;

namespace Recurrent.Tests.Data;

public sealed class HostileInputTests
{
    private const string Noise = "0123456789-[]{}\",:.e\\u";

    [Fact]
    public void RandomAndMutatedCorporaFailOnlyWithCorpusException()
    {
        using var dir = new TempDirectory();
        TextEncodings.EnsureCodePages();
        string[] encodings = ["utf-8", "utf-16", "utf-16BE", "gbk", "shift_jis", "windows-1252", "utf-32"];
        byte[] valid = Encoding.UTF8.GetBytes(Samples.MixedScripts + Samples.Chinese);
        int decoded = 0, rejected = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            var rng = new Random(seed);
            byte[] bytes;
            if (seed % 2 == 0)
            {
                bytes = new byte[rng.Next(1, 400)];
                rng.NextBytes(bytes);
            }
            else
            {
                bytes = valid[..rng.Next(1, valid.Length)];
                for (int m = rng.Next(1, 4); m > 0; m--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            }
            string path = dir.Bytes($"f{seed}.txt", bytes);
            string encoding = encodings[rng.Next(encodings.Length)];
            try
            {
                var source = CorpusSource.FromPaths([path], encoding, rng.Next(4, 70));
                var tokenizer = TokenizerFactory.Build(seed % 3 == 0 ? TokenizerKinds.Word : TokenizerKinds.Char, source);
                using var tokens = LanguageDataset.Encode(source, tokenizer);
                Assert.Equal(string.Concat(source.ReadText()), tokenizer.Decode(tokens.ToArray()));
                decoded++;
            }
            catch (CorpusException e)
            {
                Assert.Contains(path, e.Message);
                rejected++;
            }
        }
        Assert.True(decoded > 20 && rejected > 20, $"decoded {decoded}, rejected {rejected}");
    }

    [Fact]
    public void MutatedTokenizerJsonFailsOnlyWithInvalidDataException()
    {
        string text = Samples.MixedScripts + Samples.EnglishAndCode;
        string[] jsons = TokenizerKinds.All.Select(k => TokenizerFactory.Build(k, [text]).ToJson()).ToArray();
        for (int seed = 0; seed < 400; seed++)
        {
            var rng = new Random(seed);
            char[] json = jsons[seed % jsons.Length].ToCharArray();
            string mutated;
            switch (rng.Next(3))
            {
                case 0:
                    mutated = new string(json, 0, rng.Next(json.Length)); // truncated
                    break;
                case 1:
                    for (int m = rng.Next(1, 4); m > 0; m--) json[rng.Next(json.Length)] = Noise[rng.Next(Noise.Length)];
                    mutated = new string(json);
                    break;
                default:
                    int at = rng.Next(json.Length);
                    int cut = Math.Min(json.Length - at, rng.Next(1, 20));
                    mutated = new string(json, 0, at) + new string(json, at + cut, json.Length - at - cut); // a range deleted
                    break;
            }
            try
            {
                var tokenizer = Tokenizer.FromJson(mutated);
                Assert.True(tokenizer.VocabularySize > 0);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
