// Seq2SeqExport: hands an encoder–decoder (Seq2SeqModel) to other tools.
// ONNX: two graphs of standard operators, built by OnnxExport's code —
//   NAME.encoder.onnx  tokens int64 (T_s,B) → Gather → LSTM/GRU/RNN from zeros → final_h (final_c), (L,B,H);
//   NAME.decoder.onnx  tokens int64 (T,B), initial_h (initial_c) → Gather → recurrent stack → MatMul+Add →
//                      output (T,B,V) logits, final_h (final_c); fed one step at a time with its own argmax and
//                      the states fed back, it decodes greedily;
//   NAME.task.json     the vocabulary, special ids and source layout (TaskSidecar), also in both graphs' metadata.
// PyTorch: a folder with model.safetensors (the state_dict under Recurrent's names: encoder.embedding.weight,
// encoder.rnn.*, decoder.embedding.weight, decoder.rnn.*, decoder.head.* — nn.LSTM/nn.GRU/nn.RNN layout),
// model.py (Encoder, Decoder and Seq2Seq nn.Modules, greedy decoding, a self-check), config.json (Seq2SeqConfig),
// example.safetensors (a source, a teacher-forced decoder input and Recurrent's states, logits and greedy tokens for
// them) and task.json.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Randomness;
using Recurrent.Seq2Seq;
using Recurrent.Serialization;

namespace Recurrent.Interop;

/// <summary>Exports a <see cref="Seq2SeqModel{T}"/> as two ONNX graphs or as a PyTorch folder.</summary>
public static class Seq2SeqExport
{
    /// <summary>Metadata key naming the half a graph holds: "encoder" or "decoder".</summary>
    public const string PartMetadata = "recurrent.seq2seq.part";
    /// <summary>Steps of the example's teacher-forced decoder input.</summary>
    public const int ExampleDecoderSteps = 4;
    /// <summary>Sources in the example.</summary>
    public const int ExampleBatch = 2;

    /// <summary>The files an ONNX export to <paramref name="onnxPath"/> writes: <c>x.onnx</c> → <c>x.encoder.onnx</c>, <c>x.decoder.onnx</c>, <c>x.task.json</c>.</summary>
    public static (string Encoder, string Decoder, string Task) OnnxPaths(string onnxPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        string stem = Path.ChangeExtension(onnxPath, null);
        return (stem + ".encoder.onnx", stem + ".decoder.onnx", TaskSidecar.PathBeside(onnxPath));
    }

    /// <summary>
    /// The exported halves are the plain encoder and decoder graphs (one encoder direction; a decoder step reads tokens and
    /// a state only); a bidirectional encoder, or a decoder that attends over the encoder's outputs with input feeding,
    /// has no such graph yet, so those models are refused.
    /// </summary>
    private static void RefuseUnexportable(Seq2SeqModel<float> model, string format)
    {
        if (model.Config.BidirectionalEncoder)
            throw new NotSupportedException($"{format} export of seq2seq models with a bidirectional encoder is not supported yet: the exported " +
                "encoder is one direction. Use the model with rnn predict / rnn eval.");
        if (model.Config.Attention != Layers.AttentionKind.None)
            throw new NotSupportedException($"{format} export of seq2seq models with attention ({model.Config.Attention}) is not supported yet: " +
                "the exported decoder reads only tokens and a state, not the encoder's outputs. Use the model with rnn predict / rnn eval.");
    }

    /// <summary>Writes the encoder and decoder graphs and the task description (paths from <see cref="OnnxPaths"/>), each atomically.</summary>
    public static void WriteOnnx(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var (encoderPath, decoderPath, taskPath) = OnnxPaths(onnxPath);
        string task = TaskSidecar.ForSeq2Seq(model.Config, vocabulary);
        byte[] encoder = EncoderOnnx(model, task), decoder = DecoderOnnx(model, task);
        ModelFile.WriteAtomically(encoderPath, s => s.Write(encoder));
        ModelFile.WriteAtomically(decoderPath, s => s.Write(decoder));
        TaskSidecar.Write(taskPath, task);
    }

    /// <summary>The encoder graph: tokens (T_s,B) → final_h (and final_c), from a zero state; <paramref name="taskJson"/> goes into its metadata.</summary>
    public static byte[] EncoderOnnx(Seq2SeqModel<float> model, string? taskJson = null) => Graph(model, "encoder", taskJson);

    /// <summary>The decoder graph: tokens (T,B), initial_h (initial_c) → output logits (T,B,V), final_h (final_c).</summary>
    public static byte[] DecoderOnnx(Seq2SeqModel<float> model, string? taskJson = null) => Graph(model, "decoder", taskJson);

    /// <summary>
    /// The architecture of one half as a ModelConfig (token embedding, one direction; the decoder's per-step head over
    /// the vocabulary): the layout both halves share with a language model.
    /// </summary>
    public static ModelConfig HalfConfig(Seq2SeqConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ModelConfig
        {
            Input = InputKind.Embedding, InputSize = config.Vocabulary, EmbeddingSize = config.EmbeddingSize, Cell = config.Cell,
            HiddenSize = config.HiddenSize, Layers = config.Layers, Head = HeadKind.PerStep, OutputSize = config.Vocabulary,
        };
    }

    private static byte[] Graph(Seq2SeqModel<float> model, string part, string? taskJson)
    {
        ArgumentNullException.ThrowIfNull(model);
        RefuseUnexportable(model, "ONNX");
        OnnxExport.CheckSize(model.Parameters.Count, nameof(model));
        var p = model.Parameters;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OnnxExport.ConfigMetadata] = JsonSerializer.Serialize(model.Config, ModelFile.JsonOptions),
            [PartMetadata] = part,
        };
        if (taskJson is not null) metadata[OnnxExport.TaskMetadata] = taskJson;
        bool decoder = part == "decoder";
        var c = model.Config;
        string doc = $"The {part} of a {c.Cell} encoder–decoder ({c.Layers} layer(s), {c.Vocabulary} tokens), exported by Recurrent.";
        return OnnxExport.Graph(HalfConfig(c), name => p.Value(p[part + "." + name]).ToArray(), head: decoder, initialState: decoder, metadata, doc);
    }

    /// <summary>
    /// Writes model.safetensors, model.py, config.json, example.safetensors and task.json into <paramref name="directory"/>
    /// (created if missing), each atomically; the example is drawn from <paramref name="exampleSeed"/>.
    /// </summary>
    public static void WritePyTorch(Seq2SeqModel<float> model, Seq2SeqVocabulary vocabulary, string directory, ulong exampleSeed = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        RefuseUnexportable(model, "PyTorch");
        var p = model.Parameters;
        var tensors = p.Parameters.Select(x => new NamedTensor(x.Name, (int[])x.Shape.Clone(), p.Value(x).ToArray())).ToList();
        Directory.CreateDirectory(directory);
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        ModelFile.WriteAtomically(Path.Combine(directory, PyTorchExport.StateDictFile), s => SafeTensors.Write(s, tensors, meta));
        byte[] snippet = Encoding.UTF8.GetBytes(Snippet(model.Config));
        ModelFile.WriteAtomically(Path.Combine(directory, PyTorchExport.SnippetFile), s => s.Write(snippet));
        byte[] config = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(model.Config, new JsonSerializerOptions(ModelFile.JsonOptions) { WriteIndented = true }) + "\n");
        ModelFile.WriteAtomically(Path.Combine(directory, PyTorchExport.ConfigFile), s => s.Write(config));
        var example = Example(model, exampleSeed);
        ModelFile.WriteAtomically(Path.Combine(directory, PyTorchExport.ExampleFile), s => SafeTensors.Write(s, example, meta));
        TaskSidecar.Write(Path.Combine(directory, TaskSidecar.FileName), TaskSidecar.ForSeq2Seq(model.Config, vocabulary));
    }

    /// <summary>
    /// Runs a copy of the model on seeded sources (left-padded, as real ones): tensors source (T_s,B) and decoder_input
    /// (T_d,B) as float ids, encoded_h (encoded_c) (L,B,H), logits (T_d,B,V), final_h (final_c) of the decoder, and greedy
    /// (B, MaxTargetLength): the greedy tokens of each source, end token excluded, padded with -1.
    /// </summary>
    public static IReadOnlyList<NamedTensor> Example(Seq2SeqModel<float> model, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        var copy = new Seq2SeqModel<float>(c, 0);
        model.Parameters.Values.CopyTo(copy.Parameters.Values, 0);
        var rng = new Rng(seed);
        const int b = ExampleBatch, td = ExampleDecoderSteps;
        int ts = c.SourceLength, v = c.Vocabulary, chars = v - Seq2SeqVocabulary.Specials;
        var source = new int[ts * b];   // (T_s,B), pad (0) before the characters
        for (int i = 0; i < b; i++)
        {
            int length = 1 + rng.NextInt(ts);
            for (int t = ts - length; t < ts; t++) source[t * b + i] = Seq2SeqVocabulary.Specials + rng.NextInt(chars);
        }
        var input = new int[td * b];    // (T_d,B): start, then characters
        for (int i = 0; i < input.Length; i++) input[i] = i < b ? Seq2SeqVocabulary.Start : Seq2SeqVocabulary.Specials + rng.NextInt(chars);
        int[] state = [c.Layers, b, c.HiddenSize];
        bool lstm = c.Cell.HasCellState();
        var list = new List<NamedTensor>
        {
            new("source", [ts, b], source.Select(x => (float)x).ToArray()),
            new("decoder_input", [td, b], input.Select(x => (float)x).ToArray()),
        };
        float[] logits = copy.Forward(source, ts, input, td, b, training: false).ToArray();
        list.Add(new NamedTensor("encoded_h", state, copy.EncodedH.ToArray()));
        if (lstm) list.Add(new NamedTensor("encoded_c", state, copy.EncodedC.ToArray()));
        list.Add(new NamedTensor("logits", [td, b, v], logits));
        list.Add(new NamedTensor("final_h", state, copy.Decoder.FinalH.ToArray()));
        if (lstm) list.Add(new NamedTensor("final_c", state, copy.Decoder.FinalC.ToArray()));
        copy.Encode(source, ts, b);
        var greedy = Decoding.Greedy(copy.Decoder, copy.EncodedH, copy.EncodedC, b, Seq2SeqVocabulary.Start, Seq2SeqVocabulary.End, c.MaxTargetLength);
        var tokens = new float[b * c.MaxTargetLength];
        Array.Fill(tokens, -1f);
        for (int i = 0; i < b; i++)
            for (int k = 0; k < greedy[i].Tokens.Length; k++) tokens[i * c.MaxTargetLength + k] = greedy[i].Tokens[k];
        list.Add(new NamedTensor("greedy", [b, c.MaxTargetLength], tokens));
        return list;
    }

    /// <summary>The Python source of model.py for <paramref name="config"/>.</summary>
    public static string Snippet(Seq2SeqConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config;
        string cell = c.Cell switch { CellKind.Lstm => "lstm", CellKind.Gru => "gru", CellKind.RnnRelu => "rnn_relu", _ => "rnn_tanh" };
        string I(int x) => x.ToString(CultureInfo.InvariantCulture);
        string line = $"CONFIG = dict(vocabulary={I(c.Vocabulary)}, embedding_size={I(c.EmbeddingSize)}, cell=\"{cell}\", hidden_size={I(c.HiddenSize)}, num_layers={I(c.Layers)})";
        string description = $"{c.Cell} encoder and decoder ({c.Layers} layer{(c.Layers > 1 ? "s" : "")}, {c.HiddenSize} units, {c.Vocabulary} tokens)";
        return Template.Replace("@DESCRIPTION@", description).Replace("@CONFIG@", line).Replace("@LOAD_SAFETENSORS@", PyTorchExport.LoadSafetensorsPython);
    }

    private const string Template = """"
        """The Recurrent encoder-decoder exported to this folder, rebuilt as torch.nn.Modules: @DESCRIPTION@.

        Written by `rnn export --format pytorch`. Needs only torch: model.safetensors is read with json + struct, and
        task.json holds the vocabulary, the special ids and how a source is laid out.
          python3 model.py            loads model.safetensors with load_state_dict(strict=True), runs example.safetensors
                                      and prints the largest difference to Recurrent's states and logits (exit code 1
                                      above 1e-5 or when greedy decoding differs)
          python3 model.py TEXT...    decodes the given sources greedily
          from model import load      model = load("model.safetensors"); model.translate(["abc"], load_task())
        Shapes are time-major as in Recurrent: source (source_length, B) int64, left-padded; decoder tokens (T, B) int64;
        state (L, B, H), or (h, c) for an LSTM; logits (T, B, V).
        """
        import json
        import os
        import struct
        import sys

        import torch
        import torch.nn as nn

        @CONFIG@
        HERE = os.path.dirname(os.path.abspath(__file__))


        def make_rnn(cell, input_size, hidden_size, num_layers):
            if cell == "lstm":
                return nn.LSTM(input_size, hidden_size, num_layers=num_layers)
            if cell == "gru":
                return nn.GRU(input_size, hidden_size, num_layers=num_layers)
            return nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity=cell[len("rnn_"):])


        class Encoder(nn.Module):
            """nn.Embedding -> recurrent stack from a zero state; its final state starts the decoder."""

            def __init__(self, vocabulary, embedding_size, cell, hidden_size, num_layers):
                super().__init__()
                self.embedding = nn.Embedding(vocabulary, embedding_size)
                self.rnn = make_rnn(cell, embedding_size, hidden_size, num_layers)

            def forward(self, source):
                _, state = self.rnn(self.embedding(source))
                return state


        class Decoder(nn.Module):
            """nn.Embedding -> recurrent stack from a given state -> nn.Linear over the vocabulary at every step."""

            def __init__(self, vocabulary, embedding_size, cell, hidden_size, num_layers):
                super().__init__()
                self.embedding = nn.Embedding(vocabulary, embedding_size)
                self.rnn = make_rnn(cell, embedding_size, hidden_size, num_layers)
                self.head = nn.Linear(hidden_size, vocabulary)

            def forward(self, tokens, state):
                y, state = self.rnn(self.embedding(tokens), state)
                return self.head(y), state


        class Seq2Seq(nn.Module):
            def __init__(self, **config):
                super().__init__()
                self.encoder = Encoder(**config)
                self.decoder = Decoder(**config)

            def forward(self, source, decoder_input):
                """Teacher forcing: logits (T, B, V) for decoder_input [start, y1..yn], and the decoder's final state."""
                return self.decoder(decoder_input, self.encoder(source))

            def greedy(self, source, start_id, end_id, max_length):
                """Recurrent's greedy decoding: feed start_id, then each argmax (lowest id on ties), until end_id or max_length tokens."""
                state = self.encoder(source)
                batch = source.shape[1]
                tokens = torch.full((1, batch), start_id, dtype=torch.long)
                out, done = [[] for _ in range(batch)], [False] * batch
                for _ in range(max_length):
                    if all(done):
                        break
                    logits, state = self.decoder(tokens, state)
                    best = logits[0].argmax(dim=-1)
                    for b in range(batch):
                        if not done[b]:
                            if int(best[b]) == end_id:
                                done[b] = True
                            else:
                                out[b].append(int(best[b]))
                    tokens = best.unsqueeze(0)
                return out

            def translate(self, texts, task):
                """Decodes texts greedily with the vocabulary and settings of task.json (see load_task)."""
                source = torch.tensor([encode_source(t, task) for t in texts], dtype=torch.long).t()
                specials = {task["pad_id"], task["start_id"], task["end_id"]}
                with torch.no_grad():
                    out = self.greedy(source, task["start_id"], task["end_id"], task["max_target_length"])
                return ["".join(task["vocabulary"][i] for i in ids if i not in specials) for ids in out]


        def load_task(folder=HERE):
            with open(os.path.join(folder, "task.json"), encoding="utf-8") as f:
                return json.load(f)


        def encode_source(text, task):
            """The source_length ids of a text: its characters (reversed if the model was trained so) behind left padding."""
            specials = {task["pad_id"], task["start_id"], task["end_id"]}
            ids = {token: i for i, token in enumerate(task["vocabulary"]) if i not in specials}
            unknown = [ch for ch in text if ch not in ids]
            if unknown:
                raise ValueError(f"{text!r}: {unknown[0]!r} is not in the model's vocabulary")
            chars = [ids[ch] for ch in text]
            if len(chars) > task["source_length"]:
                raise ValueError(f"{text!r} has {len(chars)} characters; the model reads at most {task['source_length']}")
            if task["reverse_source"]:
                chars.reverse()
            return [task["pad_id"]] * (task["source_length"] - len(chars)) + chars


        @LOAD_SAFETENSORS@


        def load(path):
            """The encoder-decoder with the weights of `path` loaded strictly (every name and shape must match), in eval mode."""
            model = Seq2Seq(**CONFIG)
            model.load_state_dict(load_safetensors(path), strict=True)
            return model.eval()


        if __name__ == "__main__":
            model = load(os.path.join(HERE, "model.safetensors"))
            task = load_task()
            if len(sys.argv) > 1:
                for text, output in zip(sys.argv[1:], model.translate(sys.argv[1:], task)):
                    print(f"{text}\t{output}")
                sys.exit(0)
            print(model)
            ex = load_safetensors(os.path.join(HERE, "example.safetensors"))
            lstm = CONFIG["cell"] == "lstm"
            source = ex["source"].long()
            with torch.no_grad():
                encoded = model.encoder(source)
                logits, final = model.decoder(ex["decoder_input"].long(), encoded)
                greedy = model.greedy(source, task["start_id"], task["end_id"], task["max_target_length"])
            got = {"encoded_h": encoded[0] if lstm else encoded, "logits": logits, "final_h": final[0] if lstm else final}
            if lstm:
                got["encoded_c"], got["final_c"] = encoded[1], final[1]
            diffs = {k: float((v - ex[k]).abs().max()) for k, v in got.items()}
            expected = [[int(t) for t in row if t >= 0] for row in ex["greedy"].tolist()]
            print(json.dumps({"max_abs_diff": diffs, "greedy_matches": greedy == expected}))
            worst = max(diffs.values())
            print(f"largest difference to Recurrent's outputs: {worst:.3e}; greedy decoding {'matches' if greedy == expected else 'DIFFERS'}")
            sys.exit(0 if worst <= 1e-5 and greedy == expected else 1)

        """";
}
