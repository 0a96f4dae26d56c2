// The readers of the classification (TSV, CSV) and tagging (CoNLL) files: what they read, and that each
// malformed input is refused with the file and line in the message.
using Recurrent.Classification;
using Recurrent.Tagging;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Supervised;

public sealed class TaskDataTests
{
    [Fact]
    public void TsvSplitsAtTheFirstTabAndSkipsBlankLines()
    {
        using var dir = new TempDirectory();
        string f = dir.File("a.tsv", "pos\tgood\tday\r\n\nneg\tbad\n");
        var rows = ClassificationData.Read(f, ClassificationFormat.Tsv, requireLabels: true);
        Assert.Equal(2, rows.Count);
        Assert.Equal(("pos", "good\tday", 1), (rows[0].Label, rows[0].Text, rows[0].Line));
        Assert.Equal(("neg", "bad", 3), (rows[1].Label, rows[1].Text, rows[1].Line));
        var unlabelled = ClassificationData.Read(dir.File("b.tsv", "just text\nx\ty\n"), ClassificationFormat.Tsv, requireLabels: false);
        Assert.Null(unlabelled[0].Label);
        Assert.Equal("just text", unlabelled[0].Text);
        Assert.Equal("x", unlabelled[1].Label);
    }

    [Fact]
    public void CsvReadsLabelThenValuesOfAnyLength()
    {
        using var dir = new TempDirectory();
        string f = dir.File("a.csv", "# comment\nup,0.5,1.5,-2\ndown, 3e-1\n");
        var rows = ClassificationData.Read(f, ClassificationFormat.Csv, requireLabels: true);
        Assert.Equal(["up", "down"], rows.Select(r => r.Label));
        Assert.Equal([0.5f, 1.5f, -2f], rows[0].Values);
        Assert.Equal([0.3f], rows[1].Values);
        Assert.Equal(3, rows[1].Line);
        // Prediction input: a numeric first field is a value, a word is a label.
        var p = ClassificationData.Read(dir.File("p.csv", "1,2\nup,4\n"), ClassificationFormat.Csv, requireLabels: false);
        Assert.Equal([1f, 2f], p[0].Values);
        Assert.Null(p[0].Label);
        Assert.Equal([4f], p[1].Values);
    }

    [Theory]
    [InlineData("t.tsv", "a\tb\nno label here\n", "line 2", "no tab")]
    [InlineData("t.tsv", "\n\n", "no examples", "empty")]
    [InlineData("t.tsv", "a\tb\n\tb\n", "line 2", "label")]
    [InlineData("t.csv", "a,1\nb\n", "line 2", "no values")]
    [InlineData("t.csv", "a,1\nb,1,x,3\n", "line 2", "field 3 ('x')")]
    public void ClassificationErrorsNameFileAndLine(string name, string text, string where, string what)
    {
        using var dir = new TempDirectory();
        string f = dir.File(name, text);
        var e = Assert.Throws<InvalidDataException>(() => ClassificationData.Read(f, ClassificationData.FormatOf(f), requireLabels: true));
        Assert.Contains(f, e.Message);
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void ConllTakesFirstAndLastFieldsSkipsDocstartAndSplitsOnBlankLines()
    {
        using var dir = new TempDirectory();
        string f = dir.File("a.conll", "-DOCSTART- -X- O O\n\nJohn NNP B-NP B-PER\nran VBD B-VP O\n\n\nParis NNP B-NP B-LOC\n");
        var s = ConllReader.Read(f, requireTags: true);
        Assert.Equal(2, s.Count);
        Assert.Equal(["John", "ran"], s[0].Tokens);
        Assert.Equal(["B-PER", "O"], s[0].Tags!);
        Assert.Equal(3, s[0].Line);
        Assert.Equal(["Paris"], s[1].Tokens);
        Assert.Equal(7, s[1].Line);
        var untagged = ConllReader.Read(dir.File("b.conll", "John\nran\n"), requireTags: false);
        Assert.Null(untagged[0].Tags);
    }

    [Theory]
    [InlineData("a O\nb\n", "line 2")]
    [InlineData("\n-DOCSTART- O\n\n", "no tokens")]
    public void ConllErrorsNameFileAndLine(string text, string where)
    {
        using var dir = new TempDirectory();
        string f = dir.File("x.conll", text);
        var e = Assert.Throws<InvalidDataException>(() => ConllReader.Read(f, requireTags: true));
        Assert.Contains(f, e.Message);
        Assert.Contains(where, e.Message);
    }
}
