// InspectCommand: `rnn inspect MODEL --text FILE [--out page.html]` — a view inside a language model's cells. The text
// (cut to --max-chars) is read with the model's tokenizer and traced (Inspection/ActivationTrace: h, c and gates of
// every layer and unit, top-5 predictions per position); every unit is correlated with simple text features
// (TextFeatures, UnitCorrelation). It prints the strongest units as a table and writes InspectPage: the text coloured by
// one unit (--layer/--quantity/--unit, default the unit with the strongest |r|), the table, and predictions on hover.
using System.CommandLine;
using System.Globalization;
using System.Text;
using Recurrent.Cli.Reporting;
using Recurrent.Data;
using Recurrent.Inspection;
using Recurrent.LanguageModels;

namespace Recurrent.Cli.Commands;

internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A language model file, or a run directory (uses its best.safetensors, else last.safetensors)." };
        var text = new Option<string>("--text") { HelpName = "FILE", Description = "The text to run the model over (UTF-8), read with the model's tokenizer.", Required = true };
        var output = new Option<string?>("--out") { HelpName = "FILE", Description = $"The HTML page to write (default: {InspectPage.DefaultFile} in the run directory, or in the current directory for a model file)." };
        var maxChars = new Option<int>("--max-chars") { HelpName = "N", Description = "Use only the first N characters of the text.", DefaultValueFactory = _ => 5000 };
        var layer = new Option<int?>("--layer") { HelpName = "L", Description = "The layer of the unit shown first, from 0 (default: that of the strongest unit)." };
        var quantity = new Option<string?>("--quantity") { HelpName = "Q", Description = "The quantity shown first: h, c (LSTM), gates i f g o (LSTM) or r z n (GRU) (default: that of the strongest unit)." };
        var unit = new Option<int?>("--unit") { HelpName = "U", Description = "The unit shown first, from 0 (default: the one with the strongest correlation)." };
        var top = new Option<int>("--top") { HelpName = "N", Description = "Units listed by their strongest correlation (the best unit of each feature follows).", DefaultValueFactory = _ => 10 };
        var cmd = new Command("inspect", "Look inside a language model's cells: per-unit activations over a text, their correlations with text features (quotes, brackets, line position, ...), and an HTML page that colours the text by any unit.")
        {
            model, text, output, maxChars, layer, quantity, unit, top,
        };
        cmd.SetAction(parse =>
        {
            int max = parse.GetValue(maxChars), topN = parse.GetValue(top);
            if (max <= 0) throw new UserFacingException($"--max-chars must be positive, got {max}.");
            if (topN < 0) throw new UserFacingException($"--top must be >= 0, got {topN}.");
            string given = parse.GetValue(model)!;
            string modelPath = CommonOptions.ResolveModelPath(given);
            if (Recurrent.Supervised.TaskModelFile.PeekTask(modelPath) is string task)
                throw new UserFacingException($"'{modelPath}' is a {task} model; rnn inspect needs a language model (trained with `rnn train` on text).");
            var file = LanguageModelFile.Load(modelPath);
            string textPath = Path.GetFullPath(parse.GetValue(text)!);
            string outPath = OutputPath(parse.GetValue(output), given);
            var notes = new List<string>();
            string content = ReadText(textPath, max, notes);
            foreach (string note in notes) Console.WriteLine($"inspect: {note}");

            int[] ids;
            try { ids = file.Tokenizer.Encode(content); }
            catch (UnknownTokenException e)
            {
                throw new UserFacingException($"the text '{textPath}' has characters the model '{file.Path}' does not know. {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}");
            }
            if (ids.Length == 0) throw new UserFacingException($"the text '{textPath}' gives no tokens with the model's {file.Tokenizer.Kind} tokenizer; give a file with text.");
            var pieces = Pieces(file.Tokenizer, ids);

            var trace = ActivationTrace.Record(file.Model, ids, topK: Math.Min(5, file.Tokenizer.VocabularySize));
            var correlation = UnitCorrelation.Compute(trace, TextFeatures.ForTokens(pieces));
            var table = correlation.Summary(topN);
            var selected = Choose(trace, correlation, parse.GetValue(layer), parse.GetValue(quantity), parse.GetValue(unit));

            InspectPage.Write(outPath, new InspectPage.Content(file.Path, textPath, file.Tokenizer.ToString(), pieces, file.Tokenizer.TokenText,
                trace, correlation, table, selected, notes));
            PrintTable(table, trace);
            Console.WriteLine($"shown first: layer {selected.Layer} {selected.Quantity.Name()} unit {selected.Unit}");
            Console.WriteLine($"page: {outPath}");
            return 0;
        });
        return cmd;
    }

    // The text, strictly UTF-8, cut to max characters (never inside a surrogate pair); notes say what was cut.
    private static string ReadText(string path, int max, List<string> notes)
    {
        if (Directory.Exists(path)) throw new UserFacingException($"--text '{path}' is a directory; give a text file.");
        if (!File.Exists(path)) throw new UserFacingException($"the text file '{path}' does not exist; give the text to run the model over with --text.");
        string content;
        try { content = File.ReadAllText(path, TextEncodings.Utf8); }
        catch (DecoderFallbackException) { throw new UserFacingException($"the text file '{path}' is not valid UTF-8; convert it to UTF-8 first."); }
        if (content.Length > 0 && content[0] == '\uFEFF') content = content[1..];
        if (content.Length == 0) throw new UserFacingException($"the text file '{path}' is empty; give a file with text.");
        if (content.Length > max)
        {
            int cut = char.IsHighSurrogate(content[max - 1]) ? max - 1 : max;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"the text has {content.Length:N0} characters; using the first {cut:N0} (--max-chars {max})."));
            content = content[..cut];
        }
        return content;
    }

    // Each token's text as the model's decoder gives it, so that the concatenation is the decoded text; text a byte-level
    // decoder holds back to the end goes to the last token.
    private static List<string> Pieces(Tokenizer tokenizer, int[] ids)
    {
        var decoder = tokenizer.CreateStreamDecoder();
        var pieces = ids.Select(decoder.Push).ToList();
        pieces[^1] += decoder.Flush();
        return pieces;
    }

    // The unit shown first: the flags given, the rest from the strongest unit (of the given layer and quantity, if any).
    private static InspectPage.UnitKey Choose(ActivationTrace trace, UnitCorrelation correlation, int? layer, string? quantity, int? unit)
    {
        if (layer is int l && (l < 0 || l >= trace.Layers))
            throw new UserFacingException($"--layer {l} does not exist: the model has layers 0..{trace.Layers - 1}.");
        TraceQuantity? q = null;
        if (quantity is not null)
        {
            q = TraceQuantities.Parse(quantity);
            if (q is null || !trace.Has(q.Value))
                throw new UserFacingException($"--quantity '{quantity}' is not traced for a {trace.Cell} cell; use one of {string.Join(", ", trace.Quantities.Select(x => x.Name()))}.");
        }
        if (unit is int u && (u < 0 || u >= trace.HiddenSize))
            throw new UserFacingException($"--unit {u} does not exist: the layers have units 0..{trace.HiddenSize - 1}.");
        var candidates = correlation.Ranked().Where(c => (layer is null || c.Layer == layer) && (q is null || c.Quantity == q) && (unit is null || c.Unit == unit));
        if (candidates.Cast<UnitFeatureCorrelation?>().FirstOrDefault() is UnitFeatureCorrelation best)
            return new InspectPage.UnitKey(best.Layer, best.Quantity, best.Unit);
        return new InspectPage.UnitKey(layer ?? 0, q ?? TraceQuantity.Hidden, unit ?? 0);
    }

    private static string OutputPath(string? output, string modelArgument)
    {
        string path = Path.GetFullPath(output ?? (Directory.Exists(modelArgument) ? Path.Combine(modelArgument, InspectPage.DefaultFile) : InspectPage.DefaultFile));
        if (Directory.Exists(path)) throw new UserFacingException($"--out '{path}' is a directory; give a file name such as {Path.Combine(path, InspectPage.DefaultFile)}.");
        string? parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
            throw new UserFacingException($"the folder of --out '{path}' does not exist; create it first or choose another path.");
        return path;
    }

    private static void PrintTable(IReadOnlyList<UnitFeatureCorrelation> table, ActivationTrace trace)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"units most correlated with text features ({trace.Steps:N0} positions, Pearson r):"));
        Console.WriteLine($"  {"layer",5}  {"quantity",8}  {"unit",5}  {"feature",-18}  {"r",7}");
        foreach (var row in table)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {row.Layer,5}  {row.Quantity.Name(),8}  {row.Unit,5}  {TextFeatures.All[row.Feature].Name,-18}  {row.R,7:+0.000;-0.000}"));
    }
}
