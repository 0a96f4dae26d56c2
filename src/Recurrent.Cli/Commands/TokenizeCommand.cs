// TokenizeCommand: `rnn tokenize TEXT` — shows how a tokenizer cuts a text, pieces separated by "/": with --model,
// the tokens that model sees (unknown pieces as <unk>); otherwise the pieces of --tokenizer KIND with a vocabulary
// built from the text itself (so every piece shows), e.g. jieba's segmentation of a Chinese sentence. Whitespace
// pieces are written as escapes (\n, \t) so each text is one line. Without TEXT it reads standard input.
using System.CommandLine;
using System.Text;
using Recurrent.Data;
using Recurrent.LanguageModels;

namespace Recurrent.Cli.Commands;

internal static class TokenizeCommand
{
    public static Command Create()
    {
        var text = new Argument<string?>("TEXT") { Description = "The text (default: standard input, UTF-8).", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { HelpName = "MODEL", Description = "Show the tokens of this model's tokenizer (a model file or run directory)." };
        var kind = new Option<string?>("--tokenizer") { HelpName = "KIND", Description = "char (default), byte, word, bpe or jieba, with a vocabulary built from TEXT." };
        var userDict = new Option<string?>("--user-dict") { HelpName = "FILE", Description = "Jieba tokenizer: a jieba user dictionary (UTF-8, \"word [frequency] [tag]\" per line)." };
        var ids = new Option<bool>("--ids") { Description = "Also print the token ids." };
        var cmd = new Command("tokenize", "Show how a tokenizer cuts a text into tokens (e.g. jieba's Chinese words), separated by \"/\".")
        {
            text, model, kind, userDict, ids,
        };
        cmd.SetAction(parse =>
        {
            string input = parse.GetValue(text) ?? ReadStandardInput();
            if (input.Length == 0) throw new UserFacingException("there is no text to tokenize; give TEXT or pipe it in.");
            string? modelPath = parse.GetValue(model);
            string? tokenizerKind = parse.GetValue(kind)?.ToLowerInvariant();
            string? dictionary = parse.GetValue(userDict);
            Tokenizer tokenizer;
            if (modelPath is not null)
            {
                if (tokenizerKind is not null || dictionary is not null)
                    throw new UserFacingException("--tokenizer and --user-dict cannot be used with --model: the model's tokenizer is used.");
                tokenizer = LanguageModelFile.Load(CommonOptions.ResolveModelPath(modelPath)).Tokenizer;
            }
            else
            {
                tokenizerKind ??= TokenizerKinds.Char;
                if (!TokenizerKinds.All.Contains(tokenizerKind))
                    throw new UserFacingException($"unknown --tokenizer '{tokenizerKind}'; use one of {string.Join(", ", TokenizerKinds.All)}.");
                if (dictionary is not null && tokenizerKind != TokenizerKinds.Jieba)
                    throw new UserFacingException($"--user-dict needs --tokenizer jieba, not {tokenizerKind}.");
                tokenizer = TokenizerFactory.BuildFromTexts(tokenizerKind, [input], new TokenizerOptions { UserDictionary = dictionary });
            }
            int[] tokens;
            try { tokens = tokenizer.Encode(input); }
            catch (UnknownTokenException e)
            {
                throw new UserFacingException($"the text has characters the model '{modelPath}' does not know. {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}");
            }
            Console.WriteLine(string.Join("/", tokens.Select(id => Escape(tokenizer.TokenText(id)))));
            if (parse.GetValue(ids)) Console.WriteLine(string.Join(" ", tokens));
            return 0;
        });
        return cmd;
    }

    private static string ReadStandardInput()
    {
        using var reader = new StreamReader(Console.OpenStandardInput(), TextEncodings.Utf8);
        return reader.ReadToEnd();
    }

    private static string Escape(string piece)
    {
        if (!piece.Any(c => c is '\n' or '\r' or '\t')) return piece;
        var sb = new StringBuilder(piece.Length + 4);
        foreach (char c in piece)
            sb.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => c.ToString() });
        return sb.ToString();
    }
}
