// ImportCommand: `rnn import STATE_DICT.safetensors --config ARCH.json --out MODEL` — reads a PyTorch
// state_dict saved as safetensors, checks every tensor name and shape against the architecture (a JSON file
// as `rnn export --format pytorch` writes, and/or the flags below, which override it) and writes a Recurrent
// model file. Any mismatch names the tensor and both shapes and exits with code 2; nothing is written then.
// Layer-normalised and Mogrifier models (as `rnn export --format pytorch` writes them) import from their config.json,
// or with --layer-norm / --mogrifier R [--mogrifier-rank K]; their extra tensors are checked like the others.
using System.CommandLine;
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Cli.Commands;

internal static class ImportCommand
{
    public static Command Create()
    {
        var stateDict = new Argument<string>("STATE_DICT") { Description = "A PyTorch state_dict saved as safetensors (float32 tensors)." };
        var config = new Option<string?>("--config") { HelpName = "ARCH.json", Description = "The architecture (config.json as `rnn export --format pytorch` writes it)." };
        var output = new Option<string>("--out") { HelpName = "MODEL", Description = "Model file to write.", Required = true };
        var input = new Option<string?>("--input") { HelpName = "KIND", Description = "embedding, one-hot or dense." };
        var inputSize = new Option<int?>("--input-size") { Description = "Vocabulary size (embedding, one-hot) or features per step (dense)." };
        var embedding = new Option<int?>("--embedding") { Description = "Embedding size (embedding input)." };
        var cell = new Option<string?>("--cell") { Description = "rnn, rnn-relu, lstm or gru." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units per layer and direction." };
        var layers = new Option<int?>("--layers") { Description = "Stacked layers." };
        var bidirectional = new Option<bool?>("--bidirectional") { Description = "Bidirectional layers." };
        var head = new Option<string?>("--head") { HelpName = "KIND", Description = "per-step or last-step." };
        var outputSize = new Option<int?>("--output-size") { Description = "Outputs of the head." };
        var layerNorm = new Option<bool?>("--layer-norm") { Description = "Layer-normalised LSTM or GRU cells (tensors rnn.ln_*)." };
        var mogrifier = new Option<int?>("--mogrifier") { HelpName = "ROUNDS", Description = "Mogrifier LSTM with ROUNDS rounds (tensors rnn.mogrifier_*); 0: none." };
        var mogrifierRank = new Option<int?>("--mogrifier-rank") { HelpName = "K", Description = "With --mogrifier: rank of each round's matrix (tensors rnn.mogrifier_{j}_a_*, _b_*); 0: full rank." };
        var cmd = new Command("import", "Import a PyTorch state_dict (safetensors) into a Recurrent model file, given its architecture.")
        {
            stateDict, config, output, input, inputSize, embedding, cell, hidden, layers, bidirectional, head, outputSize,
            layerNorm, mogrifier, mogrifierRank,
        };
        cmd.SetAction(parse =>
        {
            string source = Path.GetFullPath(parse.GetValue(stateDict)!);
            if (!File.Exists(source)) throw new UserFacingException($"the state_dict file '{source}' does not exist.");
            string? configPath = parse.GetValue(config);
            var c = configPath is null ? new ModelConfig() : PyTorchImport.ReadConfig(Path.GetFullPath(configPath));
            if (configPath is null && parse.GetValue(inputSize) is null)
                throw new UserFacingException("give the architecture: --config ARCH.json, or at least --input-size, --hidden and --output-size (with --cell, --layers, ... as needed).");
            if (parse.GetValue(input) is string i)
                c = c with
                {
                    Input = i.ToLowerInvariant() switch
                    {
                        "embedding" => InputKind.Embedding,
                        "one-hot" or "onehot" => InputKind.OneHot,
                        "dense" => InputKind.Dense,
                        _ => throw new UserFacingException($"unknown --input '{i}'; use embedding, one-hot or dense."),
                    },
                };
            if (parse.GetValue(inputSize) is int inSize) c = c with { InputSize = inSize };
            if (parse.GetValue(embedding) is int e) c = c with { EmbeddingSize = e };
            if (parse.GetValue(cell) is string cellName) c = c with { Cell = CommonOptions.ParseCell(cellName) };
            if (parse.GetValue(hidden) is int h) c = c with { HiddenSize = h };
            if (parse.GetValue(layers) is int l) c = c with { Layers = l };
            if (parse.GetValue(bidirectional) is bool b) c = c with { Bidirectional = b };
            if (parse.GetValue(head) is string hk)
                c = c with
                {
                    Head = hk.ToLowerInvariant() switch
                    {
                        "per-step" or "perstep" => HeadKind.PerStep,
                        "last-step" or "laststep" => HeadKind.LastStep,
                        _ => throw new UserFacingException($"unknown --head '{hk}'; use per-step or last-step."),
                    },
                };
            if (parse.GetValue(outputSize) is int o) c = c with { OutputSize = o };
            if (parse.GetValue(layerNorm) is bool ln) c = c with { LayerNorm = ln };
            if (parse.GetValue(mogrifier) is int rounds) c = c with { MogrifierRounds = rounds };
            if (parse.GetValue(mogrifierRank) is int rank) c = c with { MogrifierRank = rank };
            try { c.Validate(); }
            catch (ArgumentException ex) { throw new UserFacingException($"the architecture is impossible: {ex.Message.Replace($" (Parameter '{ex.ParamName}')", "")}"); }

            var model = PyTorchImport.Load(source, c);
            string outPath = Path.GetFullPath(parse.GetValue(output)!);
            ModelFile.Save(outPath, model);
            string structure = c.LayerNorm ? "layer-normalised "
                : c.MogrifierRounds > 0 ? $"Mogrifier ({c.MogrifierRounds} rounds{(c.MogrifierRank > 0 ? $", rank {c.MogrifierRank}" : "")}) " : "";
            Console.WriteLine($"Wrote {outPath}: {structure}{c.Cell}, {c.Layers} layer(s){(c.Bidirectional ? ", bidirectional" : "")}, hidden {c.HiddenSize}, {model.Parameters.Count} parameters from {source}.");
            return 0;
        });
        return cmd;
    }
}
