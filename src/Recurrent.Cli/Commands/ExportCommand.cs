// ExportCommand: `rnn export MODEL --format pytorch|onnx --out PATH` — hands a model to other tools:
// pytorch writes a folder with the state_dict (model.safetensors), the nn.Module that loads it (model.py),
// the architecture (config.json) and an example with Recurrent's outputs (example.safetensors); onnx writes one
// .onnx file with standard LSTM/GRU/RNN operators and the recurrent state as inputs and outputs. A language
// model's tokenizer goes along (tokenizer.json, or the ONNX metadata entry recurrent.tokenizer). A classifier,
// tagger or forecaster carries what prediction needs — labels, vocabulary, tag names, standardisation, window and
// horizon (TaskSidecar) — as task.json in the folder, or as NAME.task.json beside the .onnx file and in its
// metadata (recurrent.task). An encoder–decoder (seq2seq) exports as two ONNX graphs, NAME.encoder.onnx and
// NAME.decoder.onnx, or as a PyTorch folder with an Encoder/Decoder module pair (Seq2SeqExport).
// Layer-normalised and Mogrifier models export for PyTorch only (model.py computes them step by step); --format onnx
// refuses them with exit code 2 and writes nothing; peephole LSTMs the other way round.
using System.CommandLine;
using Recurrent.Classification;
using Recurrent.Forecasting;
using Recurrent.Interop;
using Recurrent.Models;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;
using Recurrent.Supervised;
using Recurrent.Tagging;

namespace Recurrent.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A model file, or a run directory (uses its best.safetensors, else last.safetensors)." };
        var format = new Option<string>("--format") { Description = "pytorch (a folder: model.safetensors + model.py) or onnx (one .onnx file; two, NAME.encoder.onnx and NAME.decoder.onnx, for a seq2seq model).", Required = true };
        var output = new Option<string>("--out") { HelpName = "PATH", Description = "Folder (pytorch) or .onnx file (onnx) to write. Task models add task.json (labels, vocabulary, standardisation...) to the folder, or NAME.task.json beside the .onnx file.", Required = true };
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
            bool onnx = fmt == "onnx";
            if (onnx && Directory.Exists(outPath))
                throw new UserFacingException($"--out '{outPath}' is a directory; give the .onnx file to write, e.g. {Path.Combine(outPath, "model.onnx")}.");
            if (!onnx && File.Exists(outPath))
                throw new UserFacingException($"--out '{outPath}' is a file; the pytorch format writes a folder (model.safetensors, model.py, config.json, example.safetensors).");
            string? task = TaskModelFile.PeekTask(path);
            switch (task)
            {
                case null:
                {
                    var content = ModelFile.Read(path);
                    ExportOne(ModelFile.CreateModel(content, path), path, outPath, onnx, content.Tokenizer, taskJson: null);
                    break;
                }
                case SequenceClassifier.TaskName:
                {
                    var classifier = SequenceClassifier.Load(path);
                    ExportOne(classifier.Model, path, outPath, onnx, tokenizerJson: null, TaskSidecar.ForClassifier(classifier));
                    break;
                }
                case SequenceTagger.TaskName:
                {
                    var tagger = SequenceTagger.Load(path);
                    ExportOne(tagger.Model, path, outPath, onnx, tokenizerJson: null, TaskSidecar.ForTagger(tagger));
                    break;
                }
                case ForecastFile.Task:
                {
                    var forecaster = ForecastFile.Load(path);
                    ExportOne(forecaster.Model, path, outPath, onnx, tokenizerJson: null, TaskSidecar.ForForecaster(forecaster));
                    break;
                }
                case Seq2SeqFile.Task:
                    ExportSeq2Seq(Seq2SeqFile.Load(path), outPath, onnx);
                    break;
                default:
                    throw new UserFacingException($"'{path}' is a '{task}' model, which rnn export does not know; use a newer rnn.");
            }
            return 0;
        });
        return cmd;
    }

    // One SequenceModel (language model, classifier, tagger, forecaster), with its tokenizer or task description.
    private static void ExportOne(SequenceModel<float> m, string path, string outPath, bool onnx, string? tokenizerJson, string? taskJson)
    {
        if (onnx)
        {
            try { OnnxExport.CheckExportable(m.Config); }
            catch (ArgumentException e) { throw new UserFacingException($"cannot export '{path}' to ONNX: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}"); }
            OnnxExport.Write(m, outPath, tokenizerJson, taskJson);
            string also = "";
            if (taskJson is not null)
            {
                string sidecar = TaskSidecar.PathBeside(outPath);
                TaskSidecar.Write(sidecar, taskJson);
                also = $" and {sidecar} (what prediction needs besides the weights; also in the ONNX metadata as {OnnxExport.TaskMetadata})";
            }
            Console.WriteLine($"Wrote {outPath} (ONNX opset {OnnxExport.Opset}; inputs {InputNames(m.Config)}; outputs {OnnxExport.Output}, {OnnxExport.FinalH}{(m.Config.Cell == Layers.CellKind.Lstm ? ", " + OnnxExport.FinalC : "")}){also}.");
            return;
        }
        try { PyTorchExport.CheckExportable(m.Config); }
        catch (ArgumentException e) { throw new UserFacingException($"cannot export '{path}' for PyTorch: {e.Message.Replace($" (Parameter '{e.ParamName}')", "")}"); }
        PyTorchExport.Write(m, outPath, tokenizerJson, taskJson: taskJson);
        Console.WriteLine($"Wrote {outPath}: {PyTorchExport.StateDictFile}, {PyTorchExport.SnippetFile}, {PyTorchExport.ConfigFile}, {PyTorchExport.ExampleFile}" +
            (tokenizerJson is null ? "" : $", {PyTorchExport.TokenizerFile}") + (taskJson is null ? "." : $", {TaskSidecar.FileName}."));
        Console.WriteLine($"Check it with: python3 {Path.Combine(outPath, PyTorchExport.SnippetFile)}");
    }

    private static void ExportSeq2Seq(Seq2SeqFileContent loaded, string outPath, bool onnx)
    {
        if (loaded.Model.Config.BidirectionalEncoder)
            throw new UserFacingException("rnn export cannot write seq2seq models with a bidirectional encoder yet: the exported encoder is one direction. " +
                "Nothing was written; use the model with rnn predict or rnn eval.");
        if (loaded.Model.Config.Attention != Layers.AttentionKind.None)
            throw new UserFacingException($"rnn export cannot write seq2seq models with attention yet ({loaded.Model.Config.Attention}): " +
                "the exported decoder reads only tokens and a state, not the encoder's outputs. Nothing was written; use the model with rnn predict or rnn eval.");
        bool lstm = loaded.Model.Config.Cell == Layers.CellKind.Lstm;
        string states = OnnxExport.FinalH + (lstm ? ", " + OnnxExport.FinalC : "");
        if (onnx)
        {
            Seq2SeqExport.WriteOnnx(loaded.Model, loaded.Vocabulary, outPath);
            var (encoder, decoder, task) = Seq2SeqExport.OnnxPaths(outPath);
            Console.WriteLine($"Wrote {encoder} (ONNX opset {OnnxExport.Opset}; {OnnxExport.TokensInput} → {states}), " +
                $"{decoder} ({OnnxExport.TokensInput}, {OnnxExport.InitialH}{(lstm ? ", " + OnnxExport.InitialC : "")} → {OnnxExport.Output}, {states}) " +
                $"and {task} (vocabulary, special ids, source layout; also in both graphs' metadata).");
            return;
        }
        Seq2SeqExport.WritePyTorch(loaded.Model, loaded.Vocabulary, outPath);
        Console.WriteLine($"Wrote {outPath}: {PyTorchExport.StateDictFile}, {PyTorchExport.SnippetFile} (Encoder, Decoder, Seq2Seq), {PyTorchExport.ConfigFile}, {PyTorchExport.ExampleFile}, {TaskSidecar.FileName}.");
        Console.WriteLine($"Check it with: python3 {Path.Combine(outPath, PyTorchExport.SnippetFile)}");
    }

    private static string InputNames(ModelConfig c) =>
        (c.Input == Layers.InputKind.Dense ? OnnxExport.FeaturesInput : OnnxExport.TokensInput) + ", " + OnnxExport.InitialH
        + (c.Cell == Layers.CellKind.Lstm ? ", " + OnnxExport.InitialC : "");
}
