// PyTorchExport: writes a SequenceModel for PyTorch — a folder with
//   model.safetensors   the torch state_dict (embedding.weight, rnn.* as nn.LSTM/nn.GRU/nn.RNN, head.*), F32;
//   model.py            a short snippet defining the equivalent nn.Module, reading the safetensors file with
//                       json+struct (no extra package) and loading it with load_state_dict(strict=True);
//                       run as a script it checks itself against example.safetensors;
//   config.json         the architecture, as `rnn import --config` reads it;
//   example.safetensors an input (T=5, B=2), a random initial state, and Recurrent's outputs and final
//                       states for them, so the snippet can show it reproduces this model;
//   tokenizer.json      the tokenizer of a language model (Tokenizer.ToJson), when the model file has one;
//   task.json           a task model's labels, vocabulary, standardisation... (TaskSidecar), when given.
// Encoder–decoders have their own folder layout (Seq2SeqExport).
// PyTorch has no peephole LSTM, so peephole models are refused (their ONNX export keeps the peepholes).
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Serialization;

namespace Recurrent.Interop;

/// <summary>Exports a model as a PyTorch state_dict (safetensors) plus the Python module that loads it.</summary>
public static class PyTorchExport
{
    /// <summary>File name of the state_dict in the export folder.</summary>
    public const string StateDictFile = "model.safetensors";
    /// <summary>File name of the Python snippet.</summary>
    public const string SnippetFile = "model.py";
    /// <summary>File name of the architecture JSON.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>File name of the example input and Recurrent's outputs.</summary>
    public const string ExampleFile = "example.safetensors";
    /// <summary>File name of the tokenizer JSON (language models only).</summary>
    public const string TokenizerFile = "tokenizer.json";
    /// <summary>Steps and batch of the example.</summary>
    public const int ExampleSteps = 5, ExampleBatch = 2;

    /// <summary>Throws ArgumentException when the model has something torch.nn's modules cannot express.</summary>
    public static void CheckExportable(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Peepholes)
            throw new ArgumentException("The model is an LSTM with peephole connections (rnn.weight_peephole_l0...), which torch.nn.LSTM does not have, " +
                "so it cannot be exported for PyTorch; export it with --format onnx instead (the ONNX LSTM operator has peepholes).", nameof(config));
    }

    /// <summary>The state_dict tensors: every parameter under its PyTorch name, in registration order.</summary>
    public static IReadOnlyList<NamedTensor> StateDict(SequenceModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckExportable(model.Config);
        return model.Parameters.Parameters.Select(p => new NamedTensor(p.Name, (int[])p.Shape.Clone(), model.Parameters.Value(p).ToArray())).ToList();
    }

    /// <summary>
    /// Writes model.safetensors, model.py, config.json and example.safetensors into <paramref name="directory"/>
    /// (created if missing), tokenizer.json when <paramref name="tokenizerJson"/> is given and task.json (<see cref="TaskSidecar"/>)
    /// when <paramref name="taskJson"/> is. Each file is written atomically. The example is drawn from <paramref name="exampleSeed"/>.
    /// </summary>
    public static void Write(SequenceModel<float> model, string directory, string? tokenizerJson = null, ulong exampleSeed = 1, string? taskJson = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var tensors = StateDict(model);
        Directory.CreateDirectory(directory);
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        ModelFile.WriteAtomically(Path.Combine(directory, StateDictFile), s => SafeTensors.Write(s, tensors, meta));
        byte[] snippet = Encoding.UTF8.GetBytes(Snippet(model.Config));
        ModelFile.WriteAtomically(Path.Combine(directory, SnippetFile), s => s.Write(snippet));
        byte[] config = Encoding.UTF8.GetBytes(ConfigJson(model.Config) + "\n");
        ModelFile.WriteAtomically(Path.Combine(directory, ConfigFile), s => s.Write(config));
        var example = Example(model, exampleSeed);
        ModelFile.WriteAtomically(Path.Combine(directory, ExampleFile), s => SafeTensors.Write(s, example, meta));
        if (tokenizerJson is not null)
        {
            byte[] tokenizer = Encoding.UTF8.GetBytes(tokenizerJson);
            ModelFile.WriteAtomically(Path.Combine(directory, TokenizerFile), s => s.Write(tokenizer));
        }
        if (taskJson is not null) TaskSidecar.Write(Path.Combine(directory, TaskSidecar.FileName), taskJson);
    }

    /// <summary>The architecture as indented JSON (the format of <c>rnn import --config</c>).</summary>
    public static string ConfigJson(ModelConfig config) =>
        JsonSerializer.Serialize(config, new JsonSerializerOptions(ModelFile.JsonOptions) { WriteIndented = true });

    /// <summary>
    /// Runs a copy of the model (the model's own carried state is untouched) on a seeded input and initial state:
    /// tensors input ((T,B) token ids as floats, or (T,B,F)), initial_h, initial_c (LSTM), output, final_h, final_c (LSTM).
    /// </summary>
    public static IReadOnlyList<NamedTensor> Example(SequenceModel<float> model, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        var copy = new SequenceModel<float>(c, seed: 0);
        model.Parameters.Values.CopyTo(copy.Parameters.Values, 0);
        var rng = new Rng(seed);
        const int steps = ExampleSteps, batch = ExampleBatch;
        int stateRows = c.Layers * (c.Bidirectional ? 2 : 1);
        int[] stateShape = [stateRows, batch, c.HiddenSize];
        var list = new List<NamedTensor>();
        float[] input;
        if (c.Input == InputKind.Dense)
        {
            input = new float[steps * batch * c.InputSize];
            for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextGaussian();
            list.Add(new NamedTensor("input", [steps, batch, c.InputSize], input));
        }
        else
        {
            input = new float[steps * batch];
            for (int i = 0; i < input.Length; i++) input[i] = rng.NextInt(c.InputSize);
            list.Add(new NamedTensor("input", [steps, batch], input));
        }
        Span<float> h0 = copy.InitialH(batch);
        for (int i = 0; i < h0.Length; i++) h0[i] = (float)rng.Uniform(-0.5, 0.5);
        list.Add(new NamedTensor("initial_h", stateShape, h0.ToArray()));
        if (c.Cell.HasCellState())
        {
            Span<float> c0 = copy.InitialC(batch);
            for (int i = 0; i < c0.Length; i++) c0[i] = (float)rng.Uniform(-0.5, 0.5);
            list.Add(new NamedTensor("initial_c", stateShape, c0.ToArray()));
        }
        ReadOnlySpan<float> output = c.Input == InputKind.Dense
            ? copy.Forward(input, steps, batch, training: false)
            : copy.Forward(input.Select(v => (int)v).ToArray(), steps, batch, training: false);
        list.Add(new NamedTensor("output", c.Head == HeadKind.PerStep ? [steps, batch, c.OutputSize] : [batch, c.OutputSize], output.ToArray()));
        list.Add(new NamedTensor("final_h", stateShape, copy.FinalH.ToArray()));
        if (c.Cell.HasCellState()) list.Add(new NamedTensor("final_c", stateShape, copy.FinalC.ToArray()));
        return list;
    }

    /// <summary>The Python source of model.py for <paramref name="config"/>.</summary>
    public static string Snippet(ModelConfig config)
    {
        CheckExportable(config);
        var c = config;
        string input = c.Input switch { InputKind.Embedding => "embedding", InputKind.OneHot => "one_hot", _ => "dense" };
        string cell = c.Cell switch { CellKind.Lstm => "lstm", CellKind.Gru => "gru", _ => "rnn" };
        string nonlinearity = c.Cell == CellKind.RnnRelu ? "relu" : "tanh";
        string head = c.Head == HeadKind.PerStep ? "per_step" : "last_step";
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string config1 =
            $"CONFIG = dict(input=\"{input}\", input_size={c.InputSize}, embedding_size={c.StackInputSize}, cell=\"{cell}\", " +
            $"nonlinearity=\"{nonlinearity}\",\n              hidden_size={c.HiddenSize}, num_layers={c.Layers}, " +
            $"bidirectional={(c.Bidirectional ? "True" : "False")}, dropout={F(c.Dropout)}, head=\"{head}\", output_size={c.OutputSize})";
        string description = $"{c.Cell} ({c.Layers} layer{(c.Layers > 1 ? "s" : "")}{(c.Bidirectional ? ", bidirectional" : "")}), " +
            $"{c.Input} input, {c.Head} head";
        return Template.Replace("@DESCRIPTION@", description).Replace("@CONFIG@", config1).Replace("@LOAD_SAFETENSORS@", LoadSafetensorsPython);
    }

    /// <summary>
    /// Python source of <c>load_safetensors(path)</c> (json + struct, float32 only), shared by the model.py of every
    /// export so each reads its files the same way.
    /// </summary>
    internal const string LoadSafetensorsPython = """"
        def load_safetensors(path):
            """Reads the float32 tensors of a safetensors file: 8-byte header length, JSON header, raw little-endian data."""
            with open(path, "rb") as f:
                data = f.read()
            (n,) = struct.unpack("<Q", data[:8])
            header = json.loads(data[8:8 + n].decode("utf-8"))
            tensors = {}
            for name, info in header.items():
                if name == "__metadata__":
                    continue
                if info["dtype"] != "F32":
                    raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}; only F32 is read here")
                begin, end = info["data_offsets"]
                raw = bytearray(data[8 + n + begin:8 + n + end])
                tensors[name] = torch.frombuffer(raw, dtype=torch.float32).reshape(info["shape"]).clone()
            return tensors
        """";

    private const string Template = """"
        """The Recurrent model exported to this folder, rebuilt as a torch.nn.Module: @DESCRIPTION@.

        Written by `rnn export --format pytorch`. Needs only torch: model.safetensors is read with json + struct.
          python3 model.py        loads model.safetensors with load_state_dict(strict=True), runs the input in
                                  example.safetensors and prints the largest difference to Recurrent's outputs
                                  (exit code 1 above 1e-5)
          from model import load  model = load("model.safetensors"); output, state = model(tokens_or_features, state)
        Shapes are time-major as in Recurrent (batch_first=False): tokens (T, B) int64 or features (T, B, F);
        state h0 (L*D, B, H), or (h0, c0) for an LSTM; output (T, B, O) per step or (B, O) for a last-step head.
        """
        import json
        import os
        import struct
        import sys

        import torch
        import torch.nn as nn

        @CONFIG@


        class RecurrentModel(nn.Module):
            """Input (nn.Embedding, one-hot or dense) -> nn.LSTM / nn.GRU / nn.RNN -> nn.Linear per step or on the last step."""

            def __init__(self, input, input_size, embedding_size, cell, nonlinearity, hidden_size, num_layers,
                         bidirectional, dropout, head, output_size):
                super().__init__()
                self.input_kind, self.input_size, self.head_kind = input, input_size, head
                features = input_size
                if input == "embedding":
                    self.embedding = nn.Embedding(input_size, embedding_size)
                    features = embedding_size
                # Dropout acts between stacked layers only (training mode), as in Recurrent.
                kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, dropout=dropout if num_layers > 1 else 0.0)
                if cell == "lstm":
                    self.rnn = nn.LSTM(features, hidden_size, **kwargs)
                elif cell == "gru":
                    self.rnn = nn.GRU(features, hidden_size, **kwargs)
                else:
                    self.rnn = nn.RNN(features, hidden_size, nonlinearity=nonlinearity, **kwargs)
                self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)

            def forward(self, x, state=None):
                if self.input_kind == "embedding":
                    x = self.embedding(x)
                elif self.input_kind == "one_hot":
                    x = nn.functional.one_hot(x, self.input_size).float()
                y, state = self.rnn(x, state)
                if self.head_kind == "last_step":
                    # Forward direction's output at the last step; a reverse direction's at step 0 (its final state).
                    h = self.rnn.hidden_size
                    y = torch.cat([y[-1, :, :h], y[0, :, h:]], dim=1) if self.rnn.bidirectional else y[-1]
                return self.head(y), state


        @LOAD_SAFETENSORS@


        def load(path):
            """The module with the weights of `path` loaded strictly (every name and shape must match), in eval mode."""
            model = RecurrentModel(**CONFIG)
            model.load_state_dict(load_safetensors(path), strict=True)
            return model.eval()


        if __name__ == "__main__":
            here = os.path.dirname(os.path.abspath(__file__))
            model = load(os.path.join(here, "model.safetensors"))
            print(model)
            example_path = os.path.join(here, "example.safetensors")
            if not os.path.exists(example_path):
                sys.exit(0)
            ex = load_safetensors(example_path)
            x = ex["input"] if CONFIG["input"] == "dense" else ex["input"].long()
            state = (ex["initial_h"], ex["initial_c"]) if CONFIG["cell"] == "lstm" else ex["initial_h"]
            with torch.no_grad():
                output, state = model(x, state)
            got = {"output": output, "final_h": state[0] if CONFIG["cell"] == "lstm" else state}
            if CONFIG["cell"] == "lstm":
                got["final_c"] = state[1]
            diffs = {k: float((v - ex[k]).abs().max()) for k, v in got.items()}
            print(json.dumps({"max_abs_diff": diffs}))
            worst = max(diffs.values())
            print(f"largest difference to Recurrent's outputs: {worst:.3e}")
            sys.exit(0 if worst <= 1e-5 else 1)

        """";
}
