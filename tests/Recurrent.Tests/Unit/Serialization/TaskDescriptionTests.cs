// TaskDescription: the one typed reader of the "task" entry — every kind round-trips, the format-1 files' entries
// read as the right kind, a file without an entry is a language model, and unknown or broken entries are refused
// with the file named.
using Recurrent.Applications;
using Recurrent.Seq2Seq;

namespace Recurrent.Tests.Serialization;

public sealed class TaskDescriptionTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1", name);

    [Theory]
    [InlineData("classify_text.safetensors", "classify")]
    [InlineData("classify_numbers.safetensors", "classify")]
    [InlineData("tag.safetensors", "tag")]
    [InlineData("forecast.safetensors", "forecast")]
    [InlineData("seq2seq.safetensors", "seq2seq")]
    [InlineData("lm_best.safetensors", "lm")]
    public void FormatOneFilesReadAsTheirKind(string file, string kind) => Assert.Equal(kind, TaskDescription.KindOf(Fixture(file)));

    [Fact]
    public void EveryKindRoundTrips()
    {
        TaskDescription[] all =
        [
            new ClassifierDescription("tsv", "word", ["neg", "pos"]),
            new TaggerDescription(["O", "B-PER"], ["<unk>", "anna"]),
            new ForecastDescription(System.Text.Json.JsonDocument.Parse("{\"Window\":3}").RootElement),
            new Seq2SeqDescription(new Seq2SeqConfig { Vocabulary = 5, EmbeddingSize = 2, HiddenSize = 3, Layers = 1, SourceLength = 4, MaxTargetLength = 4 }, "{}"),
        ];
        foreach (var d in all)
        {
            var back = TaskDescription.Read(d.ToMetadata(), "x")!;
            Assert.Equal(d.GetType(), back.GetType());
            Assert.Equal(d.ToJson(), back.ToJson());
            Assert.StartsWith($"{{\"task\":\"{d.Name}\"", d.ToJson());
        }
        Assert.Null(TaskDescription.Read(new Dictionary<string, string>(), "x"));
    }

    [Theory]
    [InlineData("{\"task\":\"translate\"}")]
    [InlineData("{\"task\":\"classify\",\"format\":\"tsv\"}")]
    [InlineData("not json")]
    public void UnknownOrBrokenEntriesAreRefusedNamingTheFile(string json)
    {
        var e = Assert.Throws<InvalidDataException>(() => TaskDescription.Read(new Dictionary<string, string> { ["task"] = json }, "/m/model.safetensors"));
        Assert.Contains("'/m/model.safetensors'", e.Message);
    }
}
