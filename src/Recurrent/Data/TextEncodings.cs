// TextEncodings: resolves an encoding name ("utf-8", "gbk", "shift_jis", "windows-1252", "utf-16"...) to a
// strict System.Text.Encoding — one whose decoder throws on invalid bytes instead of inventing U+FFFD —
// with the legacy code pages of System.Text.Encoding.CodePages registered.
using System.Text;

namespace Recurrent.Data;

/// <summary>Strict text encodings by name, including the Windows/legacy code pages (GBK, Shift-JIS, ...).</summary>
public static class TextEncodings
{
    private static readonly Lock RegisterLock = new();
    private static bool _registered;

    /// <summary>The default corpus encoding: UTF-8, strict, byte-order mark skipped when reading.</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A strict encoding for <paramref name="name"/> (case-insensitive, any name or code page number .NET
    /// knows once <see cref="CodePagesEncodingProvider"/> is registered); null or empty gives UTF-8.
    /// Throws <see cref="CorpusException"/> for an unknown name.
    /// </summary>
    public static Encoding Get(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return Utf8;
        string trimmed = name.Trim();
        if (trimmed.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return Utf8;
        EnsureCodePages();
        try
        {
            return int.TryParse(trimmed, out int codePage)
                ? Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
                : Encoding.GetEncoding(trimmed, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new CorpusException(
                $"Unknown text encoding '{name}'. Use a name such as utf-8, utf-16, utf-16BE, gbk, gb18030, big5, " +
                "shift_jis, euc-kr, windows-1251 or windows-1252 (or a code page number).",
                encodingName: name, innerException: e);
        }
    }

    /// <summary>
    /// <paramref name="encoding"/> with a decoder that throws on bytes that are not valid in it (instead of
    /// inventing U+FFFD or '?'): the instance itself when its decoder already throws, else a copy that does. So a
    /// caller's <c>Encoding.UTF8</c> or <c>Encoding.GetEncoding("gbk")</c> is read as strictly as <see cref="Get"/>'s.
    /// </summary>
    public static Encoding Strict(Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        if (encoding.DecoderFallback is DecoderExceptionFallback) return encoding;
        var strict = (Encoding)encoding.Clone();
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        return strict;
    }

    /// <summary>Registers the code-page encodings once per process (idempotent, thread-safe).</summary>
    public static void EnsureCodePages()
    {
        if (Volatile.Read(ref _registered)) return;
        lock (RegisterLock)
        {
            if (_registered) return;
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            Volatile.Write(ref _registered, true);
        }
    }
}
