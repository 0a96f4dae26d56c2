// PredictSeq2Seq: `rnn predict SEQ2SEQ_MODEL --input FILE [--beam K] [--output OUT]` — decodes every non-empty line
// of FILE (the text before a tab when the line has one, so a TSV of pairs works too) greedily or with beam
// search, and writes source<TAB>prediction lines.
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
        string input = Path.GetFullPath(parse.GetValue(f.Input)!);
        if (!File.Exists(input)) throw new UserFacingException($"the input file '{input}' does not exist.");
        var sources = new List<string>();
        var lineNumbers = new List<int>();
        int n = 0;
        foreach (string raw in File.ReadLines(input))
        {
            n++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            int tab = line.IndexOf('\t');
            sources.Add(tab >= 0 ? line[..tab] : line);
            lineNumbers.Add(n);
        }
        if (sources.Count == 0) throw new UserFacingException($"'{input}' has no lines to decode.");
        for (int i = 0; i < sources.Count; i++)
        {
            try { Seq2SeqData.EncodeSource(loaded.Vocabulary, loaded.Model.Config, sources[i]); }
            catch (ArgumentException e) { throw new UserFacingException($"'{input}' line {lineNumbers[i]}: {e.Message.Split(" (Parameter")[0]}"); }
        }
        string[] predictions = Seq2SeqPredictor.Decode(loaded.Model, loaded.Vocabulary, sources, beam, parse.GetValue(f.Batch))
            .Select(h => loaded.Vocabulary.Decode(h.Tokens)).ToArray();
        var text = new StringBuilder();
        for (int i = 0; i < sources.Count; i++) text.Append(sources[i]).Append('\t').Append(predictions[i]).Append('\n');
        if (parse.GetValue(f.Output) is string outPath)
        {
            PredictCommand.WriteOutput(outPath, text.ToString());
            Console.WriteLine($"decoded {sources.Count} lines ({(beam == 1 ? "greedy" : $"beam {beam}")}) to {Path.GetFullPath(outPath)}");
        }
        else Console.Write(text);
        return 0;
    }
}
