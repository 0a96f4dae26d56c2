// ExportCommand: `rnn export MODEL --format pytorch|onnx --out PATH` — hands a model to other tools:
// pytorch writes a folder with the state_dict (model.safetensors), the nn.Module that loads it (model.py),
// the architecture (config.json) and an example with Recurrent's outputs (example.safetensors); onnx writes one
// .onnx file with standard LSTM/GRU/RNN operators and the recurrent state as inputs and outputs. A language
// model's tokenizer goes along (tokenizer.json, or the ONNX metadata entry recurrent.tokenizer).
using System.CommandLine;
using Recurrent.Interop;
using Recurrent.Serialization;

namespace Recurrent.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A model file, or a run directory (uses its best.safetensors, else last.safetensors)." };
        var format = new Option<string>("--format") { Description = "pytorch (a folder: model.safetensors + model.py) or onnx (one .onnx file).", Required = true };
        var output = new Option<string>("--out") { HelpName = "PATH", Description = "Folder (pytorch) or .onnx file (onnx) to write.", Required = true };
        var cmd = new Command("export", "Export a model for PyTorch (state_dict + nn.Module snippet) or ONNX (standard operators).")
        {
            model, format, output,
        };
        cmd.SetAction(parse =>
        {
            string path = CommonOptions.ResolveModelPath(parse.GetValue(model)!);
            string fmt = parse.GetValue(format)!.ToLowerInvariant();
            string outPath = Path.GetFullPath(parse.GetValue(output)!);
            if (fmt is not ("pytorch" or "torch" or "onnx"))
                throw new UserFacingException($"unknown --format '{parse.GetValue(format)}'; use pytorch or onnx.");
            var content = ModelFile.Read(path);
            var m = ModelFile.CreateModel(content, path);
            if (fmt == "onnx")
            {
                if (Directory.Exists(outPath))
                    throw new UserFacingException($"--out '{outPath}' is a directory; give the .onnx file to write, e.g. {Path.Combine(outPath, "model.onnx")}.");
                OnnxExport.Write(m, outPath, content.Tokenizer);
                Console.WriteLine($"Wrote {outPath} (ONNX opset {OnnxExport.Opset}; inputs {InputNames(m.Config)}; outputs {OnnxExport.Output}, {OnnxExport.FinalH}{(m.Config.Cell == Layers.CellKind.Lstm ? ", " + OnnxExport.FinalC : "")}).");
                return 0;
            }
            if (File.Exists(outPath))
                throw new UserFacingException($"--out '{outPath}' is a file; the pytorch format writes a folder (model.safetensors, model.py, config.json, example.safetensors).");
            try { PyTorchExport.CheckExportable(m.Config); }
            catch (ArgumentException e) { throw new UserFacingException($"cannot export '{path}' for PyTorch: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}"); }
            PyTorchExport.Write(m, outPath, content.Tokenizer);
            Console.WriteLine($"Wrote {outPath}: {PyTorchExport.StateDictFile}, {PyTorchExport.SnippetFile}, {PyTorchExport.ConfigFile}, {PyTorchExport.ExampleFile}" +
                (content.Tokenizer is null ? "." : $", {PyTorchExport.TokenizerFile}."));
            Console.WriteLine($"Check it with: python3 {Path.Combine(outPath, PyTorchExport.SnippetFile)}");
            return 0;
        });
        return cmd;
    }

    private static string InputNames(Recurrent.Models.ModelConfig c) =>
        (c.Input == Layers.InputKind.Dense ? OnnxExport.FeaturesInput : OnnxExport.TokensInput) + ", " + OnnxExport.InitialH
        + (c.Cell == Layers.CellKind.Lstm ? ", " + OnnxExport.InitialC : "");
}
