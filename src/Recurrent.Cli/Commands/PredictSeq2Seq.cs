// PredictSeq2Seq: `rnn predict SEQ2SEQ_MODEL --input FILE [--beam K] [--output OUT]` — decodes every line of FILE
// (the text before a tab when the line has one, so a TSV of pairs works too) greedily or with beam search, and
// writes one source<TAB>prediction line per input line, so the output lines up with the input. A blank line gives
// an empty output line. A line the model cannot read (a character outside its vocabulary, a source longer than it
// takes) gives an empty output line too and one `rnn:` line on stderr naming the file, the line and the reason;
// every other line is still decoded and written, and the exit code is then 2. With --attention-map FILE.png (models
// with attention) the first decoded line's attention weights are drawn (Reporting/AttentionMapPlot).
using System.CommandLine;
using System.Text;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;

namespace Recurrent.Cli.Commands;

internal static class PredictSeq2Seq
{
    public static int Execute(ParseResult parse, PredictCommand.Flags f, string modelPath)
    {
        PredictCommand.Reject(parse, "seq2seq", f.Steps, f.From, f.Plot);
        int beam = parse.GetValue(f.Beam) ?? 1;
        if (beam <= 0) throw new UserFacingException($"--beam must be positive, got {beam}.");
        var loaded = Seq2SeqFile.Load(modelPath);
        string? mapPath = parse.GetValue(f.AttentionMap);
        if (mapPath is not null && loaded.Model.Decoder.Attention is null)
            throw new UserFacingException($"--attention-map needs a model trained with --attention; '{modelPath}' has none.");
        string input = Path.GetFullPath(parse.GetValue(f.Input)!);
        if (!File.Exists(input)) throw new UserFacingException($"the input file '{input}' does not exist.");
        string[] lines = File.ReadAllLines(input);
        var sources = new string?[lines.Length];   // null: blank or unreadable, decoded as nothing
        var readable = new List<int>();
        var errors = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t');
            string source = tab >= 0 ? line[..tab] : line;
            try { Seq2SeqData.EncodeSource(loaded.Vocabulary, loaded.Model.Config, source); }
            catch (ArgumentException e)
            {
                errors.Add($"'{input}' line {i + 1}: {e.Message.Split(" (Parameter")[0]} Its output line is left empty.");
                continue;
            }
            sources[i] = source;
            readable.Add(i);
        }
        if (readable.Count == 0 && errors.Count == 0) throw new UserFacingException($"'{input}' has no lines to decode.");
        string[] decoded = readable.Count == 0 ? [] : Seq2SeqPredictor.Decode(loaded.Model, loaded.Vocabulary,
                readable.Select(i => sources[i]!).ToArray(), beam, parse.GetValue(f.Batch))
            .Select(h => loaded.Vocabulary.Decode(h.Tokens)).ToArray();
        var predictions = new string?[lines.Length];
        for (int k = 0; k < readable.Count; k++) predictions[readable[k]] = decoded[k];
        var text = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            if (sources[i] is string source) text.Append(source).Append('\t').Append(predictions[i]);
            text.Append('\n');
        }
        if (parse.GetValue(f.Output) is string outPath)
        {
            PredictCommand.WriteOutput(outPath, text.ToString());
            Console.WriteLine($"decoded {readable.Count} line{(readable.Count == 1 ? "" : "s")} ({(beam == 1 ? "greedy" : $"beam {beam}")}) to {Path.GetFullPath(outPath)}" +
                (errors.Count > 0 ? $"; {errors.Count} could not be read (empty lines in their place)" : ""));
        }
        else Console.Write(text);
        if (mapPath is not null && readable.Count > 0)
        {
            string first = sources[readable[0]]!;
            var map = AttentionMap.Compute(loaded.Model, loaded.Vocabulary, first);
            Reporting.AttentionMapPlot.Write(mapPath, map, $"Attention of line {readable[0] + 1}");
            Console.Error.WriteLine($"attention map of line {readable[0] + 1} ({map.Output.Length} output steps × {map.Source.Length} source positions): {Path.GetFullPath(mapPath)}");
        }
        foreach (string error in errors) Console.Error.WriteLine($"rnn: {error}");
        if (errors.Count == 0) return 0;
        Console.Error.WriteLine($"rnn: {errors.Count} of {readable.Count + errors.Count} lines of '{input}' could not be decoded (above); fix or remove them and rerun.");
        return 2;
    }
}
