// Shared helpers for the data-layer tests: a temporary directory that removes itself, and sample texts.
using System.Text;

namespace Recurrent.Tests.Data;

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "recurrent-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative, string text, Encoding? encoding = null) =>
        Bytes(relative, (encoding ?? new UTF8Encoding(false)).GetBytes(text));

    public string Bytes(string relative, byte[] bytes)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class Samples
{
    /// <summary>Latin with accents (precomposed and combining), Cyrillic, Greek, Arabic, Devanagari, CJK, kana,
    /// emoji with ZWJ sequences, skin tones and flags, mathematical letters outside the BMP, tabs and CRLF.</summary>
    public const string MixedScripts =
        "Hello, wörld! Café vs Cafe\u0301, n\u0303o. Привет, мир! Γειά σου, κόσμε. مرحبا بالعالم. " +
        "नमस्ते दुनिया। 你好，世界！こんにちは、カタカナ。한국어 텍스트. " +
        "😀 👨‍👩‍👧‍👦 👍🏽 👋🏿 🏳️‍🌈 🇫🇷 ❤️ 1️⃣ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱 Z̤͔ͧ̑ don't stop—“quotes” ‘single’ …\tTab\r\nCRLF line\nend";

    public const string Chinese =
        "滚滚长江东逝水，浪花淘尽英雄。是非成败转头空，青山依旧在，几度夕阳红。" +
        "白发渔樵江渚上，惯看秋月春风。一壶浊酒喜相逢，古今多少事，都付笑谈中。\n" +
        "话说天下大势，分久必合，合久必分。周末七国分争，并入于秦。及秦灭之后，楚、汉分争，又并入于汉。\n";

    public const string EnglishAndCode =
        "The quick brown fox jumps over the lazy dog. Don't panic!\n\n" +
        "It was the best of times, it was the worst of times; it was the age of wisdom.\n" +
        "public static int Add(int a, int b)\n{\n    return a + b; // sum\n}\n\n" +
        "for (int i = 0; i < 10; i++) { Console.WriteLine($\"i = {i}\"); }\n" +
        "def greet(name):\n    print(f\"Hello, {name}!\")\n\n  indented   spaces\t\ttabs\n" +
        "Numbers 12345 3.14159 1e-9, URLs https://example.org/path?q=1&r=2 and e-mail a.b@c.de.\n" +
        "Unicode too: naïve café, Straße, 東京, emoji 😀👍🏽.\n";

    /// <summary>Unicode scalar values of a string.</summary>
    public static int[] Scalars(string text) => text.EnumerateRunes().Select(r => r.Value).ToArray();
}
