// SampleCommand: `rnn sample MODEL` — generate text from a trained language model, streamed to stdout as each
// token is produced: optional prime text, length, temperature (≤ 1e-6 means argmax), top-k, top-p, argmax
// and a seed for reproducible output. MODEL may be a model file or a run directory (its best checkpoint).
using System.CommandLine;
using System.Security.Cryptography;
using Recurrent.Data;
using Recurrent.LanguageModels;

namespace Recurrent.Cli.Commands;

internal static class SampleCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A model file, or a run directory (uses its best.safetensors, else last.safetensors)." };
        var prime = new Option<string?>("--prime") { Description = "Text to start from (printed first)." };
        var length = new Option<int>("--length") { Description = "Tokens to generate.", DefaultValueFactory = _ => 500 };
        var temperature = new Option<double>("--temperature") { Description = "Softmax temperature: below 1 safer, above 1 wilder; 0 = argmax.", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Sample only among the K most probable tokens (0 = all).", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Sample only among the most probable tokens whose probabilities add up to P (1 = all).", DefaultValueFactory = _ => 1.0 };
        var argmax = new Option<bool>("--argmax") { Description = "Always take the most probable token (deterministic)." };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed; the same seed gives the same text (default: random)." };
        var cmd = new Command("sample", "Generate text from a trained language model, streamed as it is produced.")
        {
            model, prime, length, temperature, topK, topP, argmax, seed,
        };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(length);
            double t = parse.GetValue(temperature), p = parse.GetValue(topP);
            int k = parse.GetValue(topK);
            if (n < 0) throw new UserFacingException($"--length must be >= 0, got {n}.");
            if (!(t >= 0 && double.IsFinite(t))) throw new UserFacingException($"--temperature must be a finite number >= 0, got {t}.");
            if (k < 0) throw new UserFacingException($"--top-k must be >= 0, got {k}.");
            if (!(p > 0 && p <= 1)) throw new UserFacingException($"--top-p must be in (0, 1], got {p}.");
            var options = TextGenerator.Options(t, k, p, parse.GetValue(argmax));

            var file = LanguageModelFile.Load(CommonOptions.ResolveModelPath(parse.GetValue(model)!));
            var generator = new TextGenerator(file.Model, file.Tokenizer);
            ulong s = parse.GetValue(seed) ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
            var output = Console.Out;
            try
            {
                generator.Generate(parse.GetValue(prime), n, options, s, output);
            }
            catch (UnknownTokenException e)
            {
                throw new UserFacingException($"--prime has characters the model '{file.Path}' does not know. {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}");
            }
            output.WriteLine();
            output.Flush();
            return 0;
        });
        return cmd;
    }
}
