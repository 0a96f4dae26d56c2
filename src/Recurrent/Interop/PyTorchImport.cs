// PyTorchImport: builds a SequenceModel from a PyTorch state_dict saved as safetensors (F32) and an
// architecture (ModelConfig, e.g. config.json as `rnn export --format pytorch` writes it). Every tensor the
// architecture needs must be present with its exact shape and no other tensor may be there; a mismatch is an
// InvalidDataException naming the tensor, its shape in the file and the shape the architecture needs.
// Names are those of the module in model.py: embedding.weight, rnn.weight_ih_l{k}[_reverse], rnn.weight_hh_*,
// rnn.bias_ih_*, rnn.bias_hh_* (nn.LSTM/nn.GRU/nn.RNN), head.weight, head.bias (nn.Linear). A layer-normalised or
// Mogrifier architecture ("LayerNorm": true, "MogrifierRounds": R, "MogrifierRank": K) also needs the tensors of
// model.py's StepRecurrent — rnn.ln_ih_weight_*, rnn.ln_hh_weight_*, rnn.ln_cell_weight_*, rnn.ln_cell_bias_*
// (LSTM), rnn.mogrifier_{j}_* or rnn.mogrifier_{j}_a_* / _b_* — checked the same way; when the file holds such tensors
// and the architecture lacks the structure (or the other way round), the message says which setting to change.
using System.Text.Json;
using System.Text.Json.Serialization;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Interop;

/// <summary>Imports PyTorch state_dicts (safetensors) into Recurrent models.</summary>
public static class PyTorchImport
{
    private static readonly JsonSerializerOptions ConfigOptions = new(ModelFile.JsonOptions)
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads an architecture JSON file (ModelConfig properties, e.g. <c>{"Cell": "Lstm", "HiddenSize": 64, ...}</c>).</summary>
    public static ModelConfig ReadConfig(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try { text = File.ReadAllText(path); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"The architecture file '{path}' does not exist.", path); }
        ModelConfig config;
        try { config = JsonSerializer.Deserialize<ModelConfig>(text, ConfigOptions) ?? throw new InvalidDataException($"'{path}' holds no architecture (null)."); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid architecture: {e.Message} " +
                "Write it as `rnn export --format pytorch` writes config.json (properties of ModelConfig, e.g. \"Cell\": \"Lstm\").");
        }
        try { config.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{path}' describes an impossible architecture: {e.Message}"); }
        return config;
    }

    /// <summary>Reads <paramref name="stateDictPath"/> and loads it into a new model of <paramref name="config"/>.</summary>
    public static SequenceModel<float> Load(string stateDictPath, ModelConfig config)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDictPath);
        SafeTensorsContent content;
        try { content = SafeTensors.Read(stateDictPath); }
        catch (InvalidDataException e) when (e.Message.Contains("only F32 is supported", StringComparison.Ordinal))
        {
            // Half, bfloat16 or double state_dicts: say how to save one that can be read.
            string what = e.Message[..e.Message.IndexOf("only F32", StringComparison.Ordinal)].TrimEnd(' ', ';');
            throw new InvalidDataException($"{what}; Recurrent reads float32 tensors only. Save the state_dict as float32, " +
                "e.g. save_file({k: v.float() for k, v in model.state_dict().items()}, path).", e);
        }
        return FromTensors(content.Tensors, config, stateDictPath);
    }

    /// <summary>
    /// Loads state_dict tensors into a new model of <paramref name="config"/>; <paramref name="source"/> names
    /// the origin in error messages. Throws InvalidDataException naming the missing, extra or misshapen tensors (the first three, and how many more).
    /// </summary>
    public static SequenceModel<float> FromTensors(IReadOnlyList<NamedTensor> tensors, ModelConfig config, string source)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Peepholes)
            throw new InvalidDataException("The architecture asks for LSTM peephole connections, which a PyTorch nn.LSTM state_dict cannot hold; set \"Peepholes\": false.");
        SequenceModel<float> model;
        try { model = new SequenceModel<float>(config, seed: 0); }
        catch (ArgumentException e) { throw new InvalidDataException($"The architecture is impossible: {e.Message}"); }

        static string Shape(int[] s) => "(" + string.Join(", ", s) + ")";
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors) byName[t.Name] = t;
        var problems = new List<string>();
        foreach (var p in model.Parameters.Parameters)
        {
            if (!byName.TryGetValue(p.Name, out var t))
                problems.Add($"tensor '{p.Name}' {p.ShapeText} is missing");
            else if (!t.Shape.SequenceEqual(p.Shape))
                problems.Add($"tensor '{p.Name}' has shape {Shape(t.Shape)} in the file but the architecture needs {p.ShapeText}");
        }
        foreach (var t in tensors)
            if (!model.Parameters.Contains(t.Name))
                problems.Add($"tensor '{t.Name}' {Shape(t.Shape)} is not part of the architecture");
        if (problems.Count > 0)
            throw new InvalidDataException($"'{source}' does not fit the architecture ({Describe(config)}, hidden {config.HiddenSize}, {config.Layers} layer(s)" +
                $"{(config.Bidirectional ? ", bidirectional" : "")}, {config.Input} input {config.InputSize}, output {config.OutputSize}): " +
                string.Join("; ", problems.Take(3)) + (problems.Count > 3 ? $"; and {problems.Count - 3} more" : "") + "." + StructureHint(tensors, config) +
                " Check the architecture against the module that saved the state_dict " +
                "(names as in model.py: embedding.weight, rnn.weight_ih_l0, ..., head.weight, head.bias).");
        foreach (var p in model.Parameters.Parameters) byName[p.Name].Data.CopyTo(model.Parameters.Value(p));
        return model;
    }

    // The cell with its structure, as the error message names it: "Lstm", "layer-normalised Gru", "Mogrifier Lstm (5 rounds, rank 2)".
    private static string Describe(ModelConfig c) =>
        c.LayerNorm ? $"layer-normalised {c.Cell}"
        : c.MogrifierRounds > 0 ? $"Mogrifier {c.Cell} ({c.MogrifierRounds} round{(c.MogrifierRounds > 1 ? "s" : "")}{(c.MogrifierRank > 0 ? $", rank {c.MogrifierRank}" : "")})"
        : c.Cell.ToString();

    // When the file's tensors and the architecture disagree about layer normalisation or the Mogrifier, which setting to change.
    private static string StructureHint(IReadOnlyList<NamedTensor> tensors, ModelConfig c)
    {
        static bool Recurrent(NamedTensor t, string part) => t.Name.StartsWith("rnn." + part, StringComparison.Ordinal);
        bool fileLayerNorm = tensors.Any(t => Recurrent(t, "ln_"));
        bool fileMogrifier = tensors.Any(t => Recurrent(t, "mogrifier_"));
        bool fileLowRank = tensors.Any(t => Recurrent(t, "mogrifier_1_a_"));
        if (fileLayerNorm && !c.LayerNorm)
            return " The file holds layer-normalisation tensors (rnn.ln_*): set \"LayerNorm\": true.";
        if (!fileLayerNorm && c.LayerNorm)
            return " The architecture is layer-normalised (\"LayerNorm\": true) but the file has no rnn.ln_* tensors: a plain nn.LSTM/nn.GRU state_dict needs \"LayerNorm\": false.";
        if (fileMogrifier && c.MogrifierRounds == 0)
            return " The file holds Mogrifier tensors (rnn.mogrifier_*): set \"MogrifierRounds\" to their number of rounds" +
                (fileLowRank ? " and \"MogrifierRank\" to their rank." : ".");
        if (!fileMogrifier && c.MogrifierRounds > 0)
            return " The architecture is a Mogrifier LSTM (\"MogrifierRounds\": " + c.MogrifierRounds + ") but the file has no rnn.mogrifier_* tensors: a plain nn.LSTM state_dict needs \"MogrifierRounds\": 0.";
        if (fileMogrifier && fileLowRank != (c.MogrifierRank > 0))
            return fileLowRank
                ? " The file's Mogrifier matrices are low-rank factors (rnn.mogrifier_{j}_a_*, _b_*): set \"MogrifierRank\" to their rank."
                : " The file's Mogrifier matrices are full rank (rnn.mogrifier_{j}_*): set \"MogrifierRank\": 0.";
        return "";
    }
}
