// CaptionFilesTests: captions files (header, comments, blank lines, several captions per image, each bad line
// named by file and line, invalid UTF-8 with its byte offset), matching them with an images folder (missing images
// in one message with line numbers, '..' and absolute names refused), and image files (names, folder listing with
// the non-image files skipped, a damaged PNG refused with its name).
using System.Text;
using Recurrent.Vision;
using SkiaSharp;

namespace Recurrent.Tests.Vision;

public sealed class CaptionFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-captions-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private string Png(string name)
    {
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = TestImages.Circle(SKColors.Red, 32, 32);
        TestImages.SavePng(image, path);
        return path;
    }

    [Fact]
    public void Header_comments_and_blank_lines_are_skipped_and_images_keep_several_captions()
    {
        string path = Write("captions.tsv", "Image\tCaption\n# a comment\n\na.png\ta red circle\r\nb.png\t  a blue square  \na.png\tone circle\n");
        var lines = CaptionsFile.Read(path);
        Assert.Equal([new CaptionLine("a.png", "a red circle", 4), new CaptionLine("b.png", "a blue square", 5), new CaptionLine("a.png", "one circle", 6)], lines);
    }

    [Theory]
    [InlineData("a.png\tok\nno tab here\n", 2, "no tab")]
    [InlineData("a.png\tok\n\t a caption\n", 2, "image name")]
    [InlineData("a.png\t  \n", 1, "caption of 'a.png' is empty")]
    [InlineData("a.png\tone\ttwo\n", 1, "more than one tab")]
    public void Bad_lines_are_named_by_file_and_line(string text, int line, string what)
    {
        string path = Write("bad.tsv", text);
        var e = Assert.Throws<InvalidDataException>(() => CaptionsFile.Read(path));
        Assert.Contains($"{path}:{line}:", e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void Invalid_utf8_gives_line_and_byte_offset()
    {
        string path = Path.Combine(_dir, "latin1.tsv");
        byte[] bytes = [.. "a.png\tok\nb.png\tcaf"u8, 0xE9, .. "\n"u8];
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => CaptionsFile.Read(path));
        Assert.Contains($"{path}:2:", e.Message);
        Assert.Contains("byte offset 18", e.Message);
    }

    [Fact]
    public void A_file_with_only_a_header_and_comments_holds_no_captions()
    {
        string path = Write("empty.tsv", "image\tcaption\n# nothing yet\n\n");
        var e = Assert.Throws<InvalidDataException>(() => CaptionsFile.Read(path));
        Assert.Contains("no captions", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Matching_groups_captions_by_image_in_first_seen_order()
    {
        Png("images/b.png");
        Png("images/sub/a.png");
        string captions = Write("captions.tsv", "b.png\tblue\nsub/a.png\tred\nb.png\tsquare\n");
        var set = CaptionImages.Match(CaptionsFile.Read(captions), Path.Combine(_dir, "images"), captions);
        Assert.Equal(["b.png", "sub/a.png"], set.Images.Select(i => i.Name));
        Assert.Equal([1, 3], set.Images[0].Captions.Select(c => c.Line));
        Assert.Equal(3, set.CaptionCount);
    }

    [Fact]
    public void Missing_images_are_reported_together_with_their_lines()
    {
        Png("images/a.png");
        var text = new StringBuilder("a.png\tthere\n");
        for (int i = 0; i < 7; i++) text.Append($"gone{i}.png\tmissing\n");
        string captions = Write("captions.tsv", text.ToString());
        var e = Assert.Throws<FileNotFoundException>(() => CaptionImages.Match(CaptionsFile.Read(captions), Path.Combine(_dir, "images"), captions));
        Assert.Contains("7 captions", e.Message);
        Assert.Contains($"{captions}:2: 'gone0.png'", e.Message);
        Assert.Contains($"{captions}:6: 'gone4.png'", e.Message);
        Assert.DoesNotContain("gone5.png", e.Message);
        Assert.Contains("and 2 more", e.Message);
        Assert.Contains("remove those lines", e.Message);
    }

    [Theory]
    [InlineData("../outside.png")]
    [InlineData("sub/../../outside.png")]
    [InlineData("/etc/passwd")]
    public void Names_that_leave_the_images_folder_are_refused_with_their_line(string name)
    {
        Png("images/a.png");
        Png("outside.png");
        string captions = Write("captions.tsv", $"a.png\tfine\n{name}\tsneaky\n");
        var e = Assert.Throws<InvalidDataException>(() => CaptionImages.Match(CaptionsFile.Read(captions), Path.Combine(_dir, "images"), captions));
        Assert.Contains($"{captions}:2:", e.Message);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Image_names_are_recognised_by_extension_in_any_case()
    {
        Assert.True(ImageFiles.IsImageName("a.PNG"));
        Assert.True(ImageFiles.IsImageName("dir/b.JpEg"));
        Assert.True(ImageFiles.IsImageName("c.webp"));
        Assert.False(ImageFiles.IsImageName("captions.tsv"));
        Assert.False(ImageFiles.IsImageName("png"));
    }

    [Fact]
    public void Listing_a_folder_skips_non_image_files_and_subfolders()
    {
        Png("folder/b.png");
        Png("folder/A.jpg");   // a PNG under a .jpg name: listing goes by name
        Png("folder/sub/c.png");
        File.WriteAllText(Path.Combine(_dir, "folder", "notes.txt"), "hello");
        var listing = ImageFiles.List(Path.Combine(_dir, "folder"));
        Assert.Equal(["A.jpg", "b.png"], listing.Images);
        Assert.Equal(["notes.txt"], listing.Skipped);
        var e = Assert.Throws<DirectoryNotFoundException>(() => ImageFiles.List(Path.Combine(_dir, "nowhere")));
        Assert.Contains("nowhere", e.Message);
    }

    [Fact]
    public void Decoding_refuses_damaged_empty_and_non_image_files_by_name()
    {
        string good = Png("good.png");
        using (var bitmap = ImageFiles.Decode(good)) Assert.Equal((32, 32), (bitmap.Width, bitmap.Height));
        byte[] bytes = File.ReadAllBytes(good);
        string truncated = Path.Combine(_dir, "truncated.png");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        string garbage = Write("garbage.png", "this is not a picture at all");
        string empty = Write("empty.png", "");
        foreach (string path in new[] { truncated, garbage, empty, _dir })
        {
            var e = Assert.Throws<InvalidDataException>(() => ImageFiles.Decode(path).Dispose());
            Assert.Contains(path, e.Message);
            Assert.Contains("not a readable image", e.Message);
        }
    }
}
