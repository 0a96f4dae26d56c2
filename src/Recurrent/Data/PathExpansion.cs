// PathExpansion: turns corpus arguments — a file, a directory or a glob such as data/*.txt or docs/**/*.md —
// into a list of files in a stable order. Globs follow the shell: '*' and '?' stay inside one path segment,
// '[abc]' is a character class, '**' spans any number of directories; hidden files are skipped as a shell
// does. Not a general-purpose globbing library: no brace expansion, no negation.
using System.Text;
using System.Text.RegularExpressions;

namespace Recurrent.Data;

internal static class PathExpansion
{
    private static readonly char[] Wildcards = ['*', '?', '['];

    /// <summary>Expands each argument in turn (argument order kept, matches of one argument sorted), without duplicates.</summary>
    public static List<string> Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        foreach (string argument in arguments)
        {
            if (string.IsNullOrWhiteSpace(argument))
                throw new CorpusException("A corpus path is empty.", argument);
            foreach (string file in ExpandOne(argument))
                if (seen.Add(file)) files.Add(file);
        }
        if (files.Count == 0)
            throw new CorpusException("No corpus paths were given.");
        return files;
    }

    private static List<string> ExpandOne(string argument)
    {
        string full = Path.GetFullPath(argument);
        if (File.Exists(full)) return [full];
        if (Directory.Exists(full))
        {
            var inDirectory = Enumerate(full, recursive: true, match: null);
            if (inDirectory.Count == 0)
                throw new CorpusException($"The corpus directory '{full}' contains no files.", argument);
            return inDirectory;
        }
        int wildcard = argument.IndexOfAny(Wildcards);
        if (wildcard < 0)
            throw new CorpusException($"The corpus path '{full}' does not exist.", argument);

        // Base directory: the segments before the first one with a wildcard.
        string normalized = argument.Replace('\\', '/');
        int cut = normalized.LastIndexOf('/', wildcard);
        string baseDirectory = Path.GetFullPath(cut < 0 ? "." : cut == 0 ? "/" : argument[..cut]);
        string pattern = normalized[(cut + 1)..];
        if (!Directory.Exists(baseDirectory))
            throw new CorpusException($"The directory '{baseDirectory}' of the corpus pattern '{argument}' does not exist.", argument);
        bool recursive = pattern.Contains('/') || pattern.Contains("**", StringComparison.Ordinal);
        var matches = Enumerate(baseDirectory, recursive, ToRegex(pattern));
        if (matches.Count == 0)
            throw new CorpusException($"No files match the corpus pattern '{argument}' (looked in '{baseDirectory}').", argument);
        return matches;
    }

    private static List<string> Enumerate(string directory, bool recursive, Regex? match)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true };
        var found = new List<(string Relative, string Full)>();
        foreach (string file in Directory.EnumerateFiles(directory, "*", options))
        {
            string relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (match is null || match.IsMatch(relative)) found.Add((relative, file));
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        return found.ConvertAll(f => f.Full);
    }

    /// <summary>Glob (relative, '/'-separated) to an anchored regular expression over relative paths.</summary>
    internal static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        string[] segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int s = 0; s < segments.Length; s++)
        {
            bool last = s == segments.Length - 1;
            if (segments[s] == "**")
            {
                sb.Append(last ? ".*" : "(?:[^/]+/)*");
                continue;
            }
            AppendSegment(sb, segments[s]);
            if (!last) sb.Append('/');
        }
        sb.Append('$');
        var options = RegexOptions.CultureInvariant | (OperatingSystem.IsLinux() ? RegexOptions.None : RegexOptions.IgnoreCase);
        return new Regex(sb.ToString(), options);
    }

    private static void AppendSegment(StringBuilder sb, string segment)
    {
        for (int i = 0; i < segment.Length; i++)
        {
            char c = segment[i];
            switch (c)
            {
                case '*':
                    while (i + 1 < segment.Length && segment[i + 1] == '*') i++;
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    int close = segment.IndexOf(']', i + 2);
                    if (close < 0) { sb.Append(@"\["); break; }
                    string body = segment[(i + 1)..close];
                    bool negate = body.StartsWith('!') || body.StartsWith('^');
                    if (negate) body = body[1..];
                    sb.Append('[').Append(negate ? "^" : "").Append(body.Replace(@"\", @"\\").Replace("[", @"\[")).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }
}
