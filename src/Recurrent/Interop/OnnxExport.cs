// OnnxExport: writes a SequenceModel as an ONNX model (opset 14) built from the standard operators, so any
// ONNX runtime can run it: Gather (embedding) or OneHot (one-hot input) → per layer one LSTM/GRU/RNN
// operator (gate blocks reordered from PyTorch's i,f,g,o / r,z,n to ONNX's i,o,f,c / z,r,h; GRU with
// linear_before_reset=1, which is PyTorch's b_hn inside the reset product; peepholes as P in i,o,f order),
// Transpose+Reshape between layers ((T,D,B,H) → (T,B,D*H)), and the head as MatMul+Add. Non-default activations
// go into each recurrent operator's `activations` attribute in ONNX's order per direction — LSTM f, g, h = gate, cell,
// cell; GRU f, g = gate, cell; RNN f = cell — with activation_alpha/beta 0.2/0.5 for each HardSigmoid, one value per
// HardSigmoid in the list, which is how ONNX Runtime consumes them (only the functions that take an alpha take one).
// Graph inputs: tokens int64 (T,B) or features float (T,B,F); initial_h (and initial_c for LSTM) float
// (L*D,B,H). Graph outputs: output (T,B,O) per step or (B,O) last step; final_h (and final_c) (L*D,B,H),
// in PyTorch's h_n order (layer-major, forward before reverse). Feeding final_h/final_c back as the next
// call's initial_h/initial_c runs the model step by step. T and B are symbolic ("time", "batch").
// Metadata: recurrent.config (the ModelConfig JSON) and, for language models, recurrent.tokenizer; for task models
// recurrent.task (TaskSidecar: labels, vocabulary, standardisation, ...). Seq2SeqExport builds an encoder graph
// (no head, no initial state) and a decoder graph with the same code.
// Layer-normalised and Mogrifier models are refused (CheckExportable): the LSTM/GRU operators have no layer
// normalisation and no input–state gating, and an unrolled Loop/Scan graph is not written; export them for PyTorch.
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Interop;

/// <summary>Exports a <see cref="SequenceModel{T}"/> to ONNX (https://onnx.ai/onnx/operators/, opset 14).</summary>
public static class OnnxExport
{
    /// <summary>The operator-set version the exported graph uses.</summary>
    public const int Opset = 14;
    /// <summary>The ONNX IR version written (7 goes with opset 14).</summary>
    public const int IrVersion = 7;
    /// <summary>Graph input of token ids, int64 (T,B), for Embedding and OneHot models.</summary>
    public const string TokensInput = "tokens";
    /// <summary>Graph input of features, float (T,B,F), for Dense models.</summary>
    public const string FeaturesInput = "features";
    /// <summary>Graph input of the initial hidden state, float (L*D,B,H).</summary>
    public const string InitialH = "initial_h";
    /// <summary>Graph input of the initial LSTM cell state, float (L*D,B,H).</summary>
    public const string InitialC = "initial_c";
    /// <summary>Graph output: (T,B,O) per step or (B,O) last step.</summary>
    public const string Output = "output";
    /// <summary>Graph output of the final hidden state, float (L*D,B,H).</summary>
    public const string FinalH = "final_h";
    /// <summary>Graph output of the final LSTM cell state, float (L*D,B,H).</summary>
    public const string FinalC = "final_c";

    /// <summary>Metadata key of the architecture JSON.</summary>
    public const string ConfigMetadata = "recurrent.config";
    /// <summary>Metadata key of the tokenizer JSON (language models).</summary>
    public const string TokenizerMetadata = "recurrent.tokenizer";

    /// <summary>Metadata key of the task description (<see cref="TaskSidecar"/>) of a classifier, tagger, forecaster or seq2seq half.</summary>
    public const string TaskMetadata = TaskSidecar.OnnxMetadata;

    /// <summary>
    /// Throws ArgumentException when the model's cells are more than ONNX's LSTM/GRU/RNN operators compute: a
    /// layer-normalised LSTM/GRU or a Mogrifier LSTM. The message says why and to export with --format pytorch instead.
    /// </summary>
    public static void CheckExportable(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.LayerNorm)
            throw new ArgumentException($"The model is a layer-normalised {config.Cell.ToString().ToUpperInvariant()} (rnn.ln_ih_weight_l0, ...), " +
                $"which cannot be exported to ONNX: the ONNX {config.Cell.ToString().ToUpperInvariant()} operator has no layer normalisation, " +
                "and an unrolled graph (Loop/Scan) is not implemented. Export it with --format pytorch instead " +
                "(its model.py computes the layer-normalised cells step by step).", nameof(config));
        if (config.MogrifierRounds > 0)
            throw new ArgumentException($"The model is a Mogrifier LSTM ({config.MogrifierRounds} round{(config.MogrifierRounds > 1 ? "s" : "")}" +
                $"{(config.MogrifierRank > 0 ? $", rank {config.MogrifierRank}, rnn.mogrifier_1_a_l0" : ", rnn.mogrifier_1_l0")}, ...), " +
                "which cannot be exported to ONNX: the ONNX LSTM operator has no gating of the input and state by each other " +
                "before a step, and an unrolled graph (Loop/Scan) is not implemented. Export it with --format pytorch instead " +
                "(its model.py computes the Mogrifier step by step).", nameof(config));
    }

    /// <summary>
    /// Writes the ONNX file atomically (an existing file is replaced only when the write succeeds); the tokenizer
    /// JSON and the task description JSON, when given, go into its metadata.
    /// </summary>
    public static void Write(SequenceModel<float> model, string path, string? tokenizerJson = null, string? taskJson = null)
    {
        byte[] bytes = ToBytes(model, tokenizerJson, taskJson);
        ModelFile.WriteAtomically(path, s => s.Write(bytes));
    }

    /// <summary>
    /// The serialised ONNX ModelProto of <paramref name="model"/>; the tokenizer JSON (<see cref="TokenizerMetadata"/>)
    /// and task description (<see cref="TaskMetadata"/>), if given, go into its metadata.
    /// </summary>
    public static byte[] ToBytes(SequenceModel<float> model, string? tokenizerJson = null, string? taskJson = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckExportable(model.Config);
        model = model.Untied();   // a weight-tied model goes out as its untied equivalent: head.weight = the shared table (· projection)
        CheckSize(model.Parameters.Count, nameof(model));
        var c = model.Config;
        var p = model.Parameters;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ConfigMetadata] = System.Text.Json.JsonSerializer.Serialize(c, ModelFile.JsonOptions),
        };
        if (tokenizerJson is not null) metadata[TokenizerMetadata] = tokenizerJson;
        if (taskJson is not null) metadata[TaskMetadata] = taskJson;
        string doc = $"{c.Cell} {c.Layers} layer(s){(c.Bidirectional ? ", bidirectional" : "")}, {c.Input} input, {c.Head} head, exported by Recurrent.";
        return Graph(c, name => p.Value(p[name]).ToArray(), head: true, initialState: true, metadata, doc);
    }

    // 2 GB of float32 is protobuf's limit for one message.
    internal static void CheckSize(long parameters, string paramName)
    {
        if (parameters > 500_000_000)
            throw new ArgumentException($"The model has {parameters:N0} parameters; an ONNX file holds at most 2 GB (about 500 million float32 values) " +
                "without external data files, which this exporter does not write. Export it with --format pytorch instead.", paramName);
    }

    /// <summary>
    /// The ModelProto of a recurrent stack described by <paramref name="c"/> whose parameters <paramref name="values"/>
    /// returns by their SequenceModel names (embedding.weight, rnn.*, head.*). Without <paramref name="head"/> the graph
    /// ends at the final states (an encoder); without <paramref name="initialState"/> it has no initial_h/initial_c
    /// inputs and starts from zeros.
    /// </summary>
    internal static byte[] Graph(ModelConfig c, Func<string, float[]> values, bool head, bool initialState,
        IReadOnlyDictionary<string, string> metadata, string doc)
    {
        int h = c.HiddenSize, dirs = c.Bidirectional ? 2 : 1, layers = c.Layers;
        bool lstm = c.Cell == CellKind.Lstm;
        var g = new OnnxGraph();
        string input = c.Input == InputKind.Dense ? FeaturesInput : TokensInput;
        if (c.Input == InputKind.Dense) g.Input(FeaturesInput, OnnxGraph.Float32, "time", "batch", c.InputSize);
        else g.Input(TokensInput, OnnxGraph.Int64, "time", "batch");
        if (initialState)
        {
            g.Input(InitialH, OnnxGraph.Float32, layers * dirs, "batch", h);
            if (lstm) g.Input(InitialC, OnnxGraph.Float32, layers * dirs, "batch", h);
        }
        Emit(g, c, values, input, head, initialState);
        string producerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0";
        if (!head)
        {
            g.Output(FinalH, OnnxGraph.Float32, layers * dirs, "batch", h);
            if (lstm) g.Output(FinalC, OnnxGraph.Float32, layers * dirs, "batch", h);
            return g.ToModel("recurrent", IrVersion, Opset, "Recurrent", producerVersion, doc, metadata);
        }
        if (c.Head == HeadKind.PerStep) g.Output(Output, OnnxGraph.Float32, "time", "batch", c.OutputSize);
        else g.Output(Output, OnnxGraph.Float32, "batch", c.OutputSize);
        g.Output(FinalH, OnnxGraph.Float32, layers * dirs, "batch", h);
        if (lstm) g.Output(FinalC, OnnxGraph.Float32, layers * dirs, "batch", h);
        return g.ToModel("recurrent", IrVersion, Opset, "Recurrent", producerVersion, doc, metadata);
    }

    /// <summary>
    /// Adds the nodes and weights of <paramref name="model"/> (checked as <see cref="ToBytes"/> checks it) to
    /// <paramref name="g"/>, reading <paramref name="input"/> — token ids int64 (T,B) for Embedding/OneHot models, features
    /// float (T,B,F) for Dense ones — from zero initial states, and returns the name of its head's output: (B,O) for a
    /// last-step head, (T,B,O) per step. For graphs that wrap the network in more nodes (Recurrent.ML's saved
    /// pipelines); the names it uses are those of <see cref="ToBytes"/>'s graph (output, final_h, embedded, W_l0, ...).
    /// </summary>
    internal static string EmitNetwork(OnnxGraph g, SequenceModel<float> model, string input)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(model);
        CheckExportable(model.Config);
        model = model.Untied();
        CheckSize(model.Parameters.Count, nameof(model));
        var p = model.Parameters;
        Emit(g, model.Config, name => p.Value(p[name]).ToArray(), input, head: true, initialState: false, onlyUsed: true);
        return Output;
    }

    // The network's nodes and initializers from `input` (declared by the caller) to the head's output (named Output)
    // or, without a head, to the final states (FinalH, FinalC). With initialState the caller has declared InitialH
    // (and InitialC); without, the recurrent operators start from zeros. With onlyUsed, an initializer no node reads is
    // left out (ONNX Runtime warns about one on every load); without, the exported files stay as they always were.
    private static void Emit(OnnxGraph g, ModelConfig c, Func<string, float[]> values, string input, bool head, bool initialState, bool onlyUsed = false)
    {
        int h = c.HiddenSize, dirs = c.Bidirectional ? 2 : 1, layers = c.Layers, gates = c.Cell.Gates();
        bool lstm = c.Cell == CellKind.Lstm;
        float[] Values(string name) => values(name);

        // Input → (T,B,F) float.
        string x;
        switch (c.Input)
        {
            case InputKind.Embedding:
                x = g.Node("Gather", [g.Initializer("embedding.weight", [c.InputSize, c.StackInputSize], Values("embedding.weight")), input],
                    ["embedded"], OnnxAttribute.Of("axis", 0L));
                break;
            case InputKind.OneHot:
                x = g.Node("OneHot", [input, g.Initializer("one_hot_depth", [1], new long[] { c.InputSize }),
                    g.Initializer("one_hot_values", [2], new float[] { 0f, 1f })], ["one_hot"], OnnxAttribute.Of("axis", -1L));
                break;
            default:
                x = input;
                break;
        }

        int[] order = c.Cell switch
        {
            CellKind.Lstm => [0, 3, 1, 2],   // i,f,g,o → i,o,f,c
            CellKind.Gru => [1, 0, 2],       // r,z,n → z,r,h
            _ => [0],
        };
        if (layers > 1 && initialState) g.Initializer("state_axes", [1], new long[] { 0 });
        if (!onlyUsed || layers > 1 || (head && c.Head == HeadKind.PerStep))
            g.Initializer("merge_directions", [3], new long[] { 0, 0, -1 });   // (T,B,D,H) → (T,B,D*H)
        var finalH = new List<string>();
        var finalC = new List<string>();
        string topYh = "";
        for (int k = 0; k < layers; k++)
        {
            int inK = k == 0 ? c.StackInputSize : dirs * h;
            var w = new float[dirs * gates * h * inK];
            var r = new float[dirs * gates * h * h];
            var b = new float[dirs * 2 * gates * h];
            var peep = c.Peepholes ? new float[dirs * 3 * h] : null;
            for (int d = 0; d < dirs; d++)
            {
                string sfx = $"_l{k}" + (d == 1 ? "_reverse" : "");
                Reorder(Values("rnn.weight_ih" + sfx), order, h * inK, w.AsSpan(d * gates * h * inK));
                Reorder(Values("rnn.weight_hh" + sfx), order, h * h, r.AsSpan(d * gates * h * h));
                Reorder(Values("rnn.bias_ih" + sfx), order, h, b.AsSpan(d * 2 * gates * h));
                Reorder(Values("rnn.bias_hh" + sfx), order, h, b.AsSpan(d * 2 * gates * h + gates * h));
                if (peep is not null) Reorder(Values("rnn.weight_peephole" + sfx), [0, 2, 1], h, peep.AsSpan(d * 3 * h)); // i,f,o → i,o,f
            }
            string layer = $"l{k}";
            var inputs = new List<string>
            {
                x,
                g.Initializer($"W_{layer}", [dirs, gates * h, inK], w),
                g.Initializer($"R_{layer}", [dirs, gates * h, h], r),
                g.Initializer($"B_{layer}", [dirs, 2 * gates * h], b),
                "",                                          // sequence_lens: every sequence has T steps
                initialState ? StateSlice(g, InitialH, k, dirs, layers) : "",   // "": zeros
            };
            if (lstm) inputs.Add(initialState ? StateSlice(g, InitialC, k, dirs, layers) : "");
            if (peep is not null) inputs.Add(g.Initializer($"P_{layer}", [dirs, 3 * h], peep));

            bool last = k == layers - 1;
            bool needY = !last || (head && c.Head == HeadKind.PerStep);
            string y = needY ? $"Y_{layer}" : "";
            string yh = layers == 1 ? FinalH : $"Y_h_{layer}", yc = layers == 1 ? FinalC : $"Y_c_{layer}";
            var attributes = new List<OnnxAttribute> { OnnxAttribute.Of("hidden_size", (long)h) };
            if (dirs == 2) attributes.Add(OnnxAttribute.Of("direction", "bidirectional"));
            string op = c.Cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => "RNN" };
            if (c.Cell == CellKind.Gru) attributes.Add(OnnxAttribute.Of("linear_before_reset", 1L));
            attributes.AddRange(ActivationAttributes(c, dirs));
            g.Node(op, inputs.ToArray(), lstm ? [y, yh, yc] : [y, yh], attributes.ToArray());
            finalH.Add(yh);
            finalC.Add(yc);
            topYh = yh;
            if (needY)
            {
                // Y (T,D,B,H) → (T,B,D,H) → (T,B,D*H): the next layer's input or the per-step head's.
                string t = g.Node("Transpose", [y], [$"Y_{layer}_tbdh"], OnnxAttribute.Of("perm", 0L, 2L, 1L, 3L));
                x = g.Node("Reshape", [t, "merge_directions"], [$"Y_{layer}_merged"]);
            }
        }
        if (layers > 1)
        {
            g.Node("Concat", finalH.ToArray(), [FinalH], OnnxAttribute.Of("axis", 0L));
            if (lstm) g.Node("Concat", finalC.ToArray(), [FinalC], OnnxAttribute.Of("axis", 0L));
        }

        if (!head) return;

        // Head: per step on (T,B,D*H); last step on the top layer's final states, forward (t = T-1) then reverse (t = 0).
        int width = dirs * h;
        var headT = new float[width * c.OutputSize];   // head.weight (O, D*H) transposed to (D*H, O) for MatMul
        float[] hw = Values("head.weight");
        for (int o = 0; o < c.OutputSize; o++)
            for (int i = 0; i < width; i++) headT[i * c.OutputSize + o] = hw[o * width + i];
        string features = x;
        if (c.Head == HeadKind.LastStep)
        {
            string t = g.Node("Transpose", [topYh], ["last_bdh"], OnnxAttribute.Of("perm", 1L, 0L, 2L));
            features = g.Node("Reshape", [t, g.Initializer("merge_last", [2], new long[] { 0, -1 })], ["last_features"]);
        }
        string mm = g.Node("MatMul", [features, g.Initializer("head.weight_t", [width, c.OutputSize], headT)], ["head_matmul"]);
        g.Node("Add", [mm, g.Initializer("head.bias", [c.OutputSize], Values("head.bias"))], [Output]);
    }

    /// <summary>ONNX's name of each activation (https://onnx.ai/onnx/operators/onnx__LSTM.html, "Activation functions").</summary>
    internal static string OnnxName(GateActivation gate) => gate == GateActivation.HardSigmoid ? "HardSigmoid" : "Sigmoid";

    /// <inheritdoc cref="OnnxName(GateActivation)"/>
    internal static string OnnxName(CellActivation cell) => cell == CellActivation.Softsign ? "Softsign" : "Tanh";

    // The `activations` attribute (and HardSigmoid's alpha/beta) of one layer's operator. An RNN always names its
    // function; LSTM and GRU only when it is not ONNX's default (Sigmoid, Tanh[, Tanh]), so default exports are unchanged.
    private static IEnumerable<OnnxAttribute> ActivationAttributes(ModelConfig c, int dirs)
    {
        string[] perDirection = c.Cell switch
        {
            CellKind.Lstm => [OnnxName(c.GateActivation), OnnxName(c.Activation), OnnxName(c.Activation)],
            CellKind.Gru => [OnnxName(c.GateActivation), OnnxName(c.Activation)],
            CellKind.RnnRelu => ["Relu"],
            _ => [OnnxName(c.Activation)],
        };
        bool rnn = c.Cell is CellKind.RnnTanh or CellKind.RnnRelu;
        if (!rnn && c.GateActivation == GateActivation.Sigmoid && c.Activation == CellActivation.Tanh) yield break;
        string[] all = Enumerable.Range(0, dirs).SelectMany(_ => perDirection).ToArray();
        yield return OnnxAttribute.Of("activations", all);
        int hard = all.Count(a => a == "HardSigmoid");
        if (hard > 0)
        {
            yield return OnnxAttribute.Of("activation_alpha", Enumerable.Repeat((float)Kernels.Activations.HardSigmoidAlpha, hard).ToArray());
            yield return OnnxAttribute.Of("activation_beta", Enumerable.Repeat((float)Kernels.Activations.HardSigmoidBeta, hard).ToArray());
        }
    }

    // Copies gate blocks of `block` values each from PyTorch order to the ONNX order: destination block j is source block order[j].
    private static void Reorder(ReadOnlySpan<float> source, int[] order, int block, Span<float> destination)
    {
        for (int j = 0; j < order.Length; j++)
            source.Slice(order[j] * block, block).CopyTo(destination.Slice(j * block, block));
    }

    // Layer k's rows [k*D, (k+1)*D) of a (L*D,B,H) state input; the input itself for one layer.
    private static string StateSlice(OnnxGraph g, string state, int k, int dirs, int layers)
    {
        if (layers == 1) return state;
        string starts = g.Initializer($"{state}_start_l{k}", [1], new long[] { k * dirs });
        string ends = g.Initializer($"{state}_end_l{k}", [1], new long[] { (k + 1) * dirs });
        return g.Node("Slice", [state, starts, ends, "state_axes"], [$"{state}_l{k}"]);
    }
}
