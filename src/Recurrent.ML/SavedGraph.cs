// SavedGraph: the ONNX graph inside a model zip written by mlContext.Model.Save for a Recurrent transformer (SavedPipeline
// runs it with ML.NET's OnnxTransformer). It is Recurrent's exported network (OnnxExport.EmitNetwork, batch of one,
// zero initial states) with what the managed transformer does around it written as graph nodes:
//   text      input __recurrent_chars uint16 (1,T): ML.NET's character keys, whose raw value is the UTF-16 code unit →
//             low surrogates dropped (TextEncoder reads a surrogate pair as one rune, which is never in a BMP vocabulary,
//             so the pair's high half alone gives the unknown id 0) → Gather over a 65536-entry table code unit → model
//             id (unknown 0, as TextEncoder.Encode) → (T,1) token ids;
//   numbers   input <features column> float (1,N), N = T·F step-major (N fixed for a column of known size, which
//             ML.NET's OnnxTransformer feeds in the declared shape) → (T,1,F) → (x − mean) / std per channel
//             (ChannelStandardisation);
// then an empty sequence (T = 0) is run as one padding step and its outputs replaced by NaN afterwards, as the managed
// transformer scores an empty row (rather than rely on what a recurrent operator makes of zero steps). Outputs (names in SavedGraph's constants):
//   multiclass  class_input (K) = A·(log-softmax of the head − b), which the tail's softmax(W·x + b) maps back to the
//               probabilities (SoftmaxInverse);
//   binary      score_input (1) = (ln p1 − ln p0 − b) / w, which the tail's linear model (w, b) maps back to the log-odds;
//   regression  score_input (1) = (output·std + mean − b) / w, likewise.
// ML.NET's OnnxTransformer cannot return a scalar (its getter for a shapeless output fails), so every output is a
// vector and the scalars come from a fitted ML.NET linear model (SavedTails) whose affine map the graph inverts.
using Recurrent.Classification;
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.ML;

internal static class SavedGraph
{
    /// <summary>Reserved column names: the graph's inputs and outputs in ML.NET; all dropped at the end of the saved chain.</summary>
    public const string Chars = "__recurrent_chars", ClassInput = "__recurrent_class_input", ScoreInput = "__recurrent_score_input";

    /// <summary>The names every saved chain drops at its end.</summary>
    public static readonly string[] Reserved = [Chars, ClassInput, ScoreInput];

    /// <summary>
    /// What the graph computes after the network: for a classifier of <paramref name="Classes"/> classes; the target's
    /// standardisation (regression); the tail's affine map w·x + b to invert (binary, regression: <paramref name="Weight"/>,
    /// <paramref name="Bias"/>; multiclass: its biases b (K) and SoftmaxInverse's A (K×K, row-major)).
    /// </summary>
    public sealed record Head(ScoreKind Kind, int Classes, double TargetStd = 1, double TargetMean = 0, float Weight = 1, float Bias = 0,
        float[]? ClassBiases = null, double[]? ClassInverse = null);

    /// <summary>The graph of a char-token text classifier. NotSupportedException when its vocabulary holds a character outside the BMP.</summary>
    public static byte[] Text(SequenceClassifier classifier, Head head)
    {
        var encoder = classifier.Encoder!;
        var g = new OnnxGraph();
        g.Input(Chars, OnnxGraph.UInt16, 1, "time");
        string codes = g.Node("Cast", [Chars], ["ml_codes_2d"], OnnxAttribute.Of("to", (long)OnnxGraph.Int64));
        codes = g.Node("Reshape", [codes, g.Initializer("ml_flat", [1], new long[] { -1 })], ["ml_codes"]);
        string low = g.Node("And", [
            g.Node("GreaterOrEqual", [codes, g.Initializer("ml_low_first", [1], new long[] { 0xDC00 })], ["ml_from_low"]),
            g.Node("LessOrEqual", [codes, g.Initializer("ml_low_last", [1], new long[] { 0xDFFF })], ["ml_to_low"])], ["ml_is_low"]);
        string kept = g.Node("Compress", [codes, g.Node("Not", [low], ["ml_keep"])], ["ml_kept"], OnnxAttribute.Of("axis", 0L));
        string ids = g.Node("Gather", [g.Initializer("ml_code_to_id", [65536], Table(encoder)), kept], ["ml_ids"], OnnxAttribute.Of("axis", 0L));
        var (padded, empty) = PadEmpty(g, ids, g.Initializer("ml_pad_id", [1], new long[] { 0 }));
        string tokens = g.Node("Reshape", [padded, g.Initializer("ml_time_batch", [2], new long[] { -1, 1 })], ["ml_tokens"]);
        Finish(g, classifier.Model, tokens, empty, head);
        return ToModel(g);
    }

    // Model id of each UTF-16 code unit: a BMP character as TextEncoder.Encode reads it; surrogates 0 (a pair is one
    // rune outside the BMP, unknown). Refuses a vocabulary with a non-BMP character, which no single code unit can name.
    private static long[] Table(TextEncoder encoder)
    {
        var outside = encoder.Vocabulary.Skip(1).FirstOrDefault(t => t.Length != 1);
        if (outside is not null)
            throw new NotSupportedException($"This text classifier's vocabulary holds the character '{outside}' (U+{char.ConvertToUtf32(outside, 0):X}), " +
                "outside the Basic Multilingual Plane; ML.NET's TokenizeIntoCharactersAsKeys splits it into two UTF-16 code units, so a model " +
                "saved with mlContext.Model.Save could not recognise it. Save it with SaveRecurrentModel(path) and load it with mlContext.Model.LoadRecurrentText(path).");
        var table = new long[65536];
        for (int c = 0; c < table.Length; c++)
            if (!char.IsSurrogate((char)c)) table[c] = encoder.Encode(((char)c).ToString())[0];
        return table;
    }

    /// <summary>
    /// The graph of a numeric-sequence model reading <paramref name="featuresColumn"/> (T·F numbers, step-major; a
    /// vector of <paramref name="size"/>, 0 for any length), each channel standardised with <paramref name="standardisation"/>.
    /// </summary>
    public static byte[] Sequence(SequenceModel<float> model, ChannelStandardisation standardisation, string featuresColumn, int size, Head head)
    {
        int f = model.Config.InputSize;
        var g = new OnnxGraph();
        g.Input(featuresColumn, OnnxGraph.Float32, 1, size > 0 ? size : "numbers");
        string steps = g.Node("Reshape", [featuresColumn, g.Initializer("ml_steps_shape", [3], new long[] { -1, 1, f })], ["ml_steps"]);   // (T,1,F)
        string centred = g.Node("Sub", [steps, g.Initializer("ml_mean", [f], standardisation.Mean.Select(m => (float)m).ToArray())], ["ml_centred"]);
        string scaled = g.Node("Div", [centred, g.Initializer("ml_std", [f], standardisation.Std.Select(s => (float)s).ToArray())], ["ml_scaled"]);
        var (features, empty) = PadEmpty(g, scaled, g.Initializer("ml_pad_step", [1, 1, f], new float[f]));
        Finish(g, model, features, empty, head);
        return ToModel(g);
    }

    // x with time on axis 0 (T ≥ 0) → (x, or one padding step when T = 0; bool (1): T = 0).
    private static (string Padded, string Empty) PadEmpty(OnnxGraph g, string x, string padStep)
    {
        string shape = g.Node("Shape", [x], ["ml_shape"]);
        string zero = g.Initializer("ml_zero", [1], new long[] { 0 }), one = g.Initializer("ml_one", [1], new long[] { 1 });
        string steps = g.Node("Slice", [shape, zero, one], ["ml_steps_count"]);                        // (1) T
        string empty = g.Node("Equal", [steps, zero], ["ml_empty"]);
        string atLeastOne = g.Node("Max", [steps, one], ["ml_steps_run"]);
        string appended = g.Node("Concat", [x, padStep], ["ml_appended"], OnnxAttribute.Of("axis", 0L));
        return (g.Node("Slice", [appended, zero, atLeastOne, zero], ["ml_padded"]), empty);
    }

    // The network on (T,1,·) input and the head's outputs, NaN for an empty input.
    private static void Finish(OnnxGraph g, SequenceModel<float> model, string input, string empty, Head head)
    {
        string output = OnnxExport.EmitNetwork(g, model, input);                                      // (1,O)
        string nan = g.Initializer("ml_nan", [1], new[] { float.NaN });
        string Masked(string value, string name, int size)
        {
            g.Node("Where", [empty, nan, value], [name]);
            g.Output(name, OnnxGraph.Float32, size);
            return name;
        }
        string flat = g.Initializer("ml_flat_output", [1], new long[] { -1 });
        switch (head.Kind)
        {
            case ScoreKind.Multiclass:
            {
                int k = head.Classes;
                string logP = g.Node("Reshape", [g.Node("LogSoftmax", [output], ["ml_log_softmax"], OnnxAttribute.Of("axis", -1L)), flat], ["ml_log_p"]);
                string centred = g.Node("Sub", [logP, g.Initializer("ml_tail_biases", [k], head.ClassBiases!)], ["ml_log_p_unbiased"]);
                var transposed = new float[k * k];   // MatMul((K), (K,K)) = l·Aᵀ = A·l
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++) transposed[j * k + i] = (float)head.ClassInverse![i * k + j];
                Masked(g.Node("MatMul", [centred, g.Initializer("ml_tail_inverse_t", [k, k], transposed)], ["ml_class_input"]), ClassInput, k);
                break;
            }
            case ScoreKind.Binary:
            {
                string logP = g.Node("Reshape", [g.Node("LogSoftmax", [output], ["ml_log_softmax"], OnnxAttribute.Of("axis", -1L)), flat], ["ml_log_p"]);
                string p0 = g.Node("Slice", [logP, g.Initializer("ml_at0", [1], new long[] { 0 }), g.Initializer("ml_at1", [1], new long[] { 1 })], ["ml_log_p0"]);
                string p1 = g.Node("Slice", [logP, "ml_at1", g.Initializer("ml_at2", [1], new long[] { 2 })], ["ml_log_p1"]);
                Masked(Unaffine(g, g.Node("Sub", [p1, p0], ["ml_log_odds"]), head), ScoreInput, 1);
                break;
            }
            default:
            {
                string value = g.Node("Reshape", [output, flat], ["ml_standardised"]);
                string scaled = g.Node("Mul", [value, g.Initializer("ml_target_std", [1], new[] { (float)head.TargetStd })], ["ml_scaled_target"]);
                string target = g.Node("Add", [scaled, g.Initializer("ml_target_mean", [1], new[] { (float)head.TargetMean })], ["ml_target"]);
                Masked(Unaffine(g, target, head), ScoreInput, 1);
                break;
            }
        }
    }

    // (s − b) / w: what the ML.NET linear model w·x + b turns back into s.
    private static string Unaffine(OnnxGraph g, string s, Head head) =>
        g.Node("Div", [g.Node("Sub", [s, g.Initializer("ml_tail_bias", [1], new[] { head.Bias })], ["ml_unbiased"]),
            g.Initializer("ml_tail_weight", [1], new[] { head.Weight })], ["ml_unweighted"]);

    private static byte[] ToModel(OnnxGraph g) =>
        g.ToModel("recurrent_ml", OnnxExport.IrVersion, OnnxExport.Opset, "Recurrent.ML",
            typeof(SavedGraph).Assembly.GetName().Version?.ToString() ?? "0", "A Recurrent model saved with mlContext.Model.Save.", new Dictionary<string, string>());
}
