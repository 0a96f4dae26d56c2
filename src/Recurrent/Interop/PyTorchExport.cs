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
// A weight-tied model (ModelConfig.TieWeights) is written as its untied equivalent: head.weight holds the embedding
// table (times head.proj.weight when the widths differ), so model.py, config.json and `rnn import` need nothing new.
// PyTorch has no peephole LSTM, so peephole models are refused (their ONNX export keeps the peepholes).
// torch.nn's LSTM and GRU are fixed to sigmoid gates and tanh, nn.RNN has no softsign, and none has layer
// normalisation or the Mogrifier: a model with other activations (ModelConfig.Activation/GateActivation) or a
// layer-normalised LSTM/GRU or Mogrifier LSTM (ModelConfig.LayerNorm, MogrifierRounds/MogrifierRank) gets one small
// step-by-step module in model.py instead, StepRecurrent, configured by STEP = dict(layer_norm, mogrifier_rounds,
// mogrifier_rank, activation, gate_activation): torch.nn's parameter names, gate order and state layout, plus the
// extra tensors under Recurrent's names (rnn.ln_ih_weight_l0, rnn.ln_cell_bias_l0, rnn.mogrifier_1_l0,
// rnn.mogrifier_1_a_l0, ...), so load_state_dict(strict=True) still checks every tensor. A default model's model.py
// is byte for byte what it was before (PyTorchExportRecordTests pin it).
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

    /// <summary>
    /// The state_dict tensors: every parameter under its PyTorch name, in registration order. A weight-tied model is
    /// exported as its untied equivalent (<see cref="SequenceModel{T}.Untied"/>: head.weight = the embedding table,
    /// times the projection when the widths differ), so the snippet's plain nn.Linear head reproduces its logits.
    /// </summary>
    public static IReadOnlyList<NamedTensor> StateDict(SequenceModel<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model = model.Untied();
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
        model = model.Untied();   // a tied model goes out as its untied equivalent (see StateDict)
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
        string layer = DefaultLayerPython;
        if (NeedsStepModule(c))
        {
            string activation = c.Activation == CellActivation.Softsign ? "softsign" : "tanh";
            string gate = c.GateActivation == GateActivation.HardSigmoid ? "hard_sigmoid" : "sigmoid";
            if (HasStructure(c))
            {
                description += ", " + (c.LayerNorm
                    ? "layer-normalised (a step-by-step module: torch.nn's cells have no layer normalisation)"
                    : $"Mogrifier ({c.MogrifierRounds} round{(c.MogrifierRounds > 1 ? "s" : "")}{(c.MogrifierRank > 0 ? $", rank {c.MogrifierRank}" : "")}; " +
                      "a step-by-step module: torch.nn.LSTM has no Mogrifier)");
                if (HasCustomActivations(c)) description += $", activations: {activation} cell, {gate} gates";
            }
            else description += $", activations: {activation} cell, {gate} gates (a step-by-step module: torch.nn's cells have no such choice)";
            config1 += $"\nSTEP = dict(layer_norm={(c.LayerNorm ? "True" : "False")}, mogrifier_rounds={c.MogrifierRounds}, " +
                $"mogrifier_rank={c.MogrifierRank},\n            activation=\"{activation}\", gate_activation=\"{gate}\")\n\n\n" +
                StepRecurrentPython.TrimEnd('\n');
            layer = "self.rnn = StepRecurrent(cell, features, hidden_size, **kwargs, **STEP)";
        }
        return Template.Replace("@DESCRIPTION@", description).Replace("@CONFIG@", config1).Replace("@RECURRENT_LAYER@", layer)
            .Replace("@LOAD_SAFETENSORS@", LoadSafetensorsPython);
    }

    /// <summary>True when torch.nn's own module cannot compute the model's cells: LSTM/GRU gates or cells other than sigmoid/tanh, or a softsign RNN.</summary>
    internal static bool HasCustomActivations(ModelConfig c) =>
        c.Activation != CellActivation.Tanh || c.GateActivation != GateActivation.Sigmoid;

    /// <summary>True when the cells have a structure torch.nn lacks: layer normalisation or the Mogrifier.</summary>
    internal static bool HasStructure(ModelConfig c) => c.LayerNorm || c.MogrifierRounds > 0;

    /// <summary>True when model.py defines the step-by-step StepRecurrent instead of using torch.nn's module: other activations or a structure.</summary>
    internal static bool NeedsStepModule(ModelConfig c) => HasCustomActivations(c) || HasStructure(c);

    // The torch.nn module of a default model (indented for its place in RecurrentModel.__init__).
    private const string DefaultLayerPython = """
        if cell == "lstm":
                    self.rnn = nn.LSTM(features, hidden_size, **kwargs)
                elif cell == "gru":
                    self.rnn = nn.GRU(features, hidden_size, **kwargs)
                else:
                    self.rnn = nn.RNN(features, hidden_size, nonlinearity=nonlinearity, **kwargs)
        """;

    /// <summary>
    /// Python source of StepRecurrent: nn.LSTM / nn.GRU / nn.RNN(tanh) step by step, as RecurrentDirection computes them,
    /// with <c>STEP</c>'s activations — softsign x/(1+|x|) for the cell, ONNX's HardSigmoid max(0, min(1, 0.2x+0.5)) for
    /// the gates — and structures: the layer-normalised LSTM/GRU (Ba et al. 2016) and the Mogrifier LSTM (Melis et al.
    /// 2019, full rank or rank K). Parameters under torch.nn's names plus Recurrent's for the extra tensors, so
    /// load_state_dict(strict=True) checks every tensor.
    /// </summary>
    internal const string StepRecurrentPython = """"
        def cell_function(name):
            """The cell input/output non-linearity (LSTM g and h, GRU n, the RNN's h): tanh or softsign x / (1 + |x|)."""
            return torch.tanh if name == "tanh" else nn.functional.softsign


        def gate_function(name):
            """The gate non-linearity: sigmoid, or ONNX's HardSigmoid max(0, min(1, 0.2 x + 0.5)) (torch's hardsigmoid has slope 1/6)."""
            if name == "sigmoid":
                return torch.sigmoid
            return lambda x: torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


        def normalize(v):
            """Layer normalisation without affine over the last axis: (v - mean) / sqrt(biased variance + 1e-5)."""
            return nn.functional.layer_norm(v, v.shape[-1:], eps=1e-5)


        class StepRecurrent(nn.Module):
            """nn.LSTM / nn.GRU / nn.RNN(tanh) run step by step, for the cells torch.nn's modules cannot compute: other
            activations (activation: LSTM g and h, GRU n, the RNN's h; gate_activation: the gates), a layer-normalised
            LSTM / GRU (Ba et al. 2016), a Mogrifier LSTM (Melis et al. 2019). The same parameters under the same names as
            torch.nn's modules (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._reverse), gate order (i, f, g, o;
            r, z, n with b_hn inside the reset product), state layout (L*D, B, H) and time-major input; the structures
            add tensors under Recurrent's names:
              layer norm: ln_ih_weight, ln_hh_weight (G*H) gains of the normalised x @ W_ih^T and h @ W_hh^T (before the
                          biases); LSTM also ln_cell_weight, ln_cell_bias (H): h = o * act(ln_cell_weight * LN(c) + ln_cell_bias),
                          with c carried un-normalised;
              Mogrifier:  before each step, for rounds j = 1..R, x = 2 sigmoid(h @ Q_j^T) * x (odd j, Q_j (I, H)) or
                          h = 2 sigmoid(x @ Q_j^T) * h (even j, Q_j (H, I)); Q_j is mogrifier_{j} or, with a rank K, the product
                          mogrifier_{j}_a (out, K) @ mogrifier_{j}_b (K, in). The modulated x and h feed that step only."""

            def __init__(self, cell, input_size, hidden_size, num_layers, bidirectional, dropout, layer_norm,
                         mogrifier_rounds, mogrifier_rank, activation, gate_activation):
                super().__init__()
                self.cell, self.hidden_size, self.num_layers = cell, hidden_size, num_layers
                self.bidirectional, self.dropout, self.layer_norm = bidirectional, dropout, layer_norm
                self.rounds, self.rank = mogrifier_rounds, mogrifier_rank
                self.activations = activation, gate_activation
                self.act, self.gate = cell_function(activation), gate_function(gate_activation)
                gh, dirs = {"lstm": 4, "gru": 3}.get(cell, 1) * hidden_size, 2 if bidirectional else 1
                self.names = []
                for k in range(num_layers):
                    size = input_size if k == 0 else hidden_size * dirs
                    shapes = [("weight_ih", (gh, size)), ("weight_hh", (gh, hidden_size)), ("bias_ih", (gh,)), ("bias_hh", (gh,))]
                    if layer_norm:
                        shapes += [("ln_ih_weight", (gh,)), ("ln_hh_weight", (gh,))]
                        if cell == "lstm":
                            shapes += [("ln_cell_weight", (hidden_size,)), ("ln_cell_bias", (hidden_size,))]
                    for j in range(1, mogrifier_rounds + 1):
                        out, inp = (size, hidden_size) if j % 2 == 1 else (hidden_size, size)
                        if mogrifier_rank == 0:
                            shapes.append((f"mogrifier_{j}", (out, inp)))
                        else:
                            shapes += [(f"mogrifier_{j}_a", (out, mogrifier_rank)), (f"mogrifier_{j}_b", (mogrifier_rank, inp))]
                    if k == 0:
                        self.names = [name for name, _ in shapes]
                    for d in range(dirs):
                        sfx = f"_l{k}" + ("_reverse" if d == 1 else "")
                        for name, shape in shapes:
                            self.register_parameter(name + sfx, nn.Parameter(torch.zeros(shape)))

            def extra_repr(self):
                return (f"{self.cell}, hidden_size={self.hidden_size}, num_layers={self.num_layers}, bidirectional={self.bidirectional}, "
                        f"layer_norm={self.layer_norm}, mogrifier_rounds={self.rounds}, mogrifier_rank={self.rank}, "
                        f"activation={self.activations[0]}, gate_activation={self.activations[1]}")

            def mogrify(self, x, h, p):
                """The Mogrifier rounds: x (B, I) and h (B, H) gate each other; returns the modulated x and h."""
                for j in range(1, self.rounds + 1):
                    source = h if j % 2 == 1 else x
                    if self.rank == 0:
                        scale = 2 * torch.sigmoid(source @ p[f"mogrifier_{j}"].T)
                    else:
                        scale = 2 * torch.sigmoid((source @ p[f"mogrifier_{j}_b"].T) @ p[f"mogrifier_{j}_a"].T)
                    if j % 2 == 1:
                        x = scale * x
                    else:
                        h = scale * h
                return x, h

            def step(self, x, h, c, p):
                """One step for a batch: x (B, I), h and c (B, H), p the direction's parameters by name -> the new h and c."""
                x, h = self.mogrify(x, h, p)
                xw, hw = x @ p["weight_ih"].T, h @ p["weight_hh"].T
                if self.layer_norm:
                    xw, hw = p["ln_ih_weight"] * normalize(xw), p["ln_hh_weight"] * normalize(hw)
                if self.cell == "gru":
                    xr, xz, xn = (xw + p["bias_ih"]).chunk(3, 1)
                    hr, hz, hn = (hw + p["bias_hh"]).chunk(3, 1)
                    r, z = self.gate(xr + hr), self.gate(xz + hz)
                    n = self.act(xn + r * hn)
                    return (1 - z) * n + z * h, c
                if self.cell == "rnn":
                    return self.act(xw + p["bias_ih"] + hw + p["bias_hh"]), c
                i, f, g, o = (xw + p["bias_ih"] + hw + p["bias_hh"]).chunk(4, 1)
                i, f, g, o = self.gate(i), self.gate(f), self.act(g), self.gate(o)
                c = f * c + i * g
                if self.layer_norm:
                    return o * self.act(p["ln_cell_weight"] * normalize(c) + p["ln_cell_bias"]), c
                return o * self.act(c), c

            def forward(self, x, state=None):
                steps, batch, dirs = x.shape[0], x.shape[1], 2 if self.bidirectional else 1
                lstm = self.cell == "lstm"
                zeros = x.new_zeros(self.num_layers * dirs, batch, self.hidden_size)
                if state is None:
                    state = (zeros, zeros) if lstm else zeros
                h0, c0 = state if lstm else (state, zeros)
                final_h, final_c = [], []
                for k in range(self.num_layers):
                    if k > 0 and self.training and self.dropout > 0:
                        x = nn.functional.dropout(x, self.dropout, training=True)
                    outputs = []
                    for d in range(dirs):
                        sfx = f"_l{k}" + ("_reverse" if d == 1 else "")
                        p = {name: getattr(self, name + sfx) for name in self.names}
                        h, c = h0[k * dirs + d], c0[k * dirs + d]
                        ys = [None] * steps
                        for t in (range(steps - 1, -1, -1) if d == 1 else range(steps)):
                            h, c = self.step(x[t], h, c, p)
                            ys[t] = h
                        outputs.append(torch.stack(ys))
                        final_h.append(h)
                        final_c.append(c)
                    x = torch.cat(outputs, dim=2)
                h_n = torch.stack(final_h)
                return x, ((h_n, torch.stack(final_c)) if lstm else h_n)
        """";

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
                @RECURRENT_LAYER@
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
