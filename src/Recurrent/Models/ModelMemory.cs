// ModelMemory: the memory a SequenceModel needs, computed from its ModelConfig before anything is allocated, in
// Int128 so no size overflows: the exact parameter count (also what ModelFile checks a file's tensors against)
// and an estimate of a training run's bytes for a batch shape — parameters, gradients, optimizer moments and the
// activations and buffers of one forward and backward pass. Check refuses a run whose estimate exceeds a share of
// the machine's available memory, or whose largest array exceeds what .NET can allocate, with a message giving
// the figures — instead of an OverflowException, or minutes of paging before an OutOfMemoryException. The buffer
// list mirrors SequenceModel, RecurrentStack and RecurrentDirection; a test holds the estimate within 2x of the
// bytes a small model really allocates.
using System.Globalization;
using Recurrent.Kernels;
using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>
/// Parameter count and training memory of a <see cref="SequenceModel{T}"/> (float) from its
/// <see cref="ModelConfig"/>, checked against the machine before the model is built.
/// </summary>
public static class ModelMemory
{
    /// <summary>The share of the available memory <see cref="Check"/> lets a training run use by default (0.8).</summary>
    public const double DefaultMaxFraction = 0.8;

    private const int FloatBytes = sizeof(float);

    /// <summary>
    /// Number of parameter values a model of <paramref name="config"/> has (embedding, every layer and direction's
    /// weight_ih, weight_hh, bias_ih, bias_hh and peepholes, head), computed without building it; sizes that are
    /// not positive count as they are (the model's own validation rejects them).
    /// </summary>
    public static Int128 ParameterCount(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Int128 h = config.HiddenSize, directions = config.Bidirectional ? 2 : 1, gates = Gates(config);
        Int128 stackInput = config.StackInputSize;
        Int128 total = config.Input == InputKind.Embedding ? (Int128)config.InputSize * stackInput : 0;
        Int128 peepholes = config.Peepholes && config.Cell == CellKind.Lstm ? 3 * h : 0;
        // Layer normalisation: the two gate gains (and the LSTM cell's gain and bias); the Mogrifier: its round matrices.
        Int128 layerNorm = config.LayerNorm ? 2 * gates * h + (config.Cell == CellKind.Lstm ? 2 * h : 0) : 0;
        Int128 Mogrifier(Int128 input)
        {
            Int128 sum = 0;
            for (int j = 1; j <= config.MogrifierRounds; j++)
                sum += config.MogrifierRank > 0 ? config.MogrifierRank * (input + h) : input * h;
            return sum;
        }
        Int128 Layer(Int128 input) => directions * (gates * h * input + gates * h * h + 2 * gates * h + peepholes + layerNorm + Mogrifier(input));
        if (config.Layers > 0) total += Layer(stackInput) + (config.Layers - 1) * Layer(h * directions);
        // A tied head reuses the embedding table: only its bias and, when the widths differ, the (E, D*H) projection.
        if (config.TieWeights)
            return total + (stackInput == h * directions ? 0 : stackInput * h * directions) + config.OutputSize;
        return total + (Int128)config.OutputSize * h * directions + config.OutputSize;
    }

    /// <summary>The memory this process may use: <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (physical memory or the container's limit).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>
    /// Estimates the bytes a training run of a model of <paramref name="config"/> needs with batches of
    /// <paramref name="batchSize"/> sequences of <paramref name="steps"/> steps and an optimizer with
    /// <paramref name="optimizerBuffers"/> moment buffers (Adam, AdamW: 2; RMSprop, Adagrad, SGD with momentum: 1;
    /// plain SGD: 0). Allocates nothing. Throws ArgumentException for an invalid configuration or size.
    /// </summary>
    public static ModelMemoryEstimate Estimate(ModelConfig config, int batchSize, int steps, int optimizerBuffers = 2)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, got {batchSize}.", nameof(batchSize));
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (optimizerBuffers < 0) throw new ArgumentException($"optimizerBuffers must be >= 0, got {optimizerBuffers}.", nameof(optimizerBuffers));

        Int128 p = ParameterCount(config);
        Int128 h = config.HiddenSize, gh = Gates(config) * h, d = config.Bidirectional ? 2 : 1;
        Int128 b = batchSize, rows = b * steps, v = config.InputSize, f = config.StackInputSize, o = config.OutputSize;
        const string Hidden = nameof(ModelConfig.HiddenSize);
        var tally = new Tally();
        tally.Track("the flat parameter array", p, LargestParameterSetting(config)); // counted in ParameterBytes

        // SequenceModel: the stack input and its gradient, or (token path, vocabulary ≤ T·B) the first layer's
        // per-vocabulary projections instead; the head's input gradient, outputs (logits), the masked output
        // gradient and the loss's own (T,B,O) buffers; ids and states.
        // A training forward with input dropout needs the input vectors: it takes the per-token path.
        bool tokenPath = config.Input != InputKind.Dense && v <= rows && config.InputDropout == 0;
        string inputSetting = config.Input == InputKind.Embedding && config.EmbeddingSize > 0 ? nameof(ModelConfig.EmbeddingSize)
            : config.Input == InputKind.Embedding ? Hidden : nameof(ModelConfig.InputSize);
        if (!tokenPath)
        {
            tally.Add($"the stack input (T·B = {rows}, {f})", rows * f, inputSetting);
            if (config.Input != InputKind.OneHot) tally.Add($"the stack input gradient (T·B = {rows}, {f})", rows * f, inputSetting);
        }
        Int128 outputRows = config.Head == HeadKind.PerStep ? rows : b;
        tally.Add($"the head input gradient (T·B = {rows}, {d}H = {d * h})", rows * d * h, Hidden);
        // The AWD-LSTM dropouts' masks and the copies they make (SequenceModel, RecurrentStack, RecurrentDirection).
        if (config.InputDropout > 0)
            tally.Add($"the input dropout mask and gradient (T·B = {rows}, {f})", rows * f, inputSetting, arrays: 2);
        if (config.OutputDropout > 0)
            tally.Add($"the output dropout mask and dropped outputs (T·B = {rows}, {d}H = {d * h})", rows * d * h, Hidden, arrays: 2);
        if (config.EmbeddingDropout > 0)
        {
            tally.Add($"the embedding dropout row scales (InputSize = {v})", v, nameof(ModelConfig.InputSize));
            if (tokenPath) tally.Add($"the masked embedding table and its gradient (InputSize = {v}, {f})", v * f, nameof(ModelConfig.InputSize), arrays: 2);
        }
        // The outputs, the masked output gradient, and the loss's gradient and probabilities.
        tally.Add($"the outputs ({outputRows} rows, OutputSize = {o})", outputRows * o, nameof(ModelConfig.OutputSize), arrays: 4);
        tally.Add("the token ids", rows, Hidden, arrays: 2, elementBytes: sizeof(int));
        tally.Add("the states", config.Layers * d * b * h, Hidden, arrays: 6); // h0, c0, their gradients, final h and c

        // RecurrentStack and RecurrentDirection, per layer and direction.
        bool packed = steps > 1 && batchSize >= Gemm.SmallM; // W_hh is packed for forward and for backward
        for (int k = 0; k < config.Layers; k++)
        {
            Int128 input = k == 0 ? f : d * h;
            if (!(k == 0 && tokenPath)) tally.Add($"the input of layer {k} (T·B = {rows}, {input})", rows * input, k == 0 ? inputSetting : Hidden);
            if (k > 0)
            {
                tally.Add($"the input gradient of layer {k} (T·B = {rows}, {input})", rows * input, Hidden);
                if (config.Dropout > 0) tally.Add($"the dropout mask of layer {k} (T·B = {rows}, {input})", rows * input, Hidden);
            }
            for (int dir = 0; dir < d; dir++)
            {
                string gatesName = $"the gate pre-activations of layer {k} (T·B = {rows}, {Gates(config)}H = {gh})";
                tally.Add(gatesName, rows * gh, Hidden);                          // _xproj
                tally.Add(gatesName.Replace("pre-activations", "gradients", StringComparison.Ordinal), rows * gh, Hidden); // _dGatesIH
                tally.Add($"the outputs of layer {k} (T·B = {rows}, H = {h})", rows * h, Hidden);
                switch (config.Cell)
                {
                    case CellKind.Lstm:
                        tally.Add(gatesName.Replace("pre-", "", StringComparison.Ordinal), rows * gh, Hidden);
                        tally.Add($"the cell states of layer {k} (T·B = {rows}, H = {h})", rows * h, Hidden, arrays: 2); // c_t, tanh(c_t)
                        break;
                    case CellKind.Gru:
                        tally.Add(gatesName.Replace("pre-", "", StringComparison.Ordinal), rows * gh, Hidden);
                        tally.Add(gatesName.Replace("pre-activations", "recurrent gradients", StringComparison.Ordinal), rows * gh, Hidden);
                        tally.Add($"the reset products of layer {k} (T·B = {rows}, H = {h})", rows * h, Hidden);
                        break;
                }
                tally.Add("the per-step buffers", b * gh + 9 * b * h + gh, Hidden);
                if (config.LayerNorm) // normalised products (input, recurrent) and the recurrent side's gate gradients; LN(c)
                    tally.Add($"the layer-normalised products of layer {k} (T·B = {rows}, {gh})", rows * gh, Hidden, arrays: 3 + (config.Cell == CellKind.Lstm ? 1 : 0));
                if (config.MogrifierRounds > 0) // every x and h version per step, the scales, the modulated x̃ and h̃, the input gradient
                    tally.Add($"the Mogrifier's per-step values of layer {k} (T·B = {rows}, {input} + H)", rows * (input + h), Hidden, arrays: config.MogrifierRounds + 4);
                if (packed) tally.Add($"a packed copy of weight_hh_l{k} ({gh}, {h})", gh * h, Hidden, arrays: 2); // forward, backward
                if (config.WeightDrop > 0) // mask, dropped copy, gradient of the dropped copy
                    tally.Add($"the weight-drop mask and copies of weight_hh_l{k} ({gh}, {h})", gh * h, Hidden, arrays: 3);
                if (k == 0 && tokenPath) // the projection per vocabulary entry and its gradient
                    tally.Add($"the per-token input projections (InputSize = {v}, {Gates(config)}H = {gh})", v * gh, nameof(ModelConfig.InputSize), arrays: 2);
            }
        }
        if (d == 2) tally.Add($"the stack output (T·B = {rows}, 2H = {2 * h})", rows * 2 * h, Hidden);
        tally.Add($"one direction's output gradient (T·B = {rows}, H = {h})", rows * h, Hidden);

        return new ModelMemoryEstimate
        {
            ParameterCount = p,
            ParameterBytes = p * FloatBytes,
            GradientBytes = p * FloatBytes,
            OptimizerBytes = optimizerBuffers * p * FloatBytes,
            ActivationBytes = tally.Bytes,
            LargestBufferElements = tally.Largest,
            LargestBuffer = tally.LargestName,
            LargestBufferSetting = tally.LargestSetting,
        };
    }

    /// <summary>
    /// <see cref="Estimate"/>, and an ArgumentException unless the run fits: the total within
    /// <paramref name="maxFraction"/> of <paramref name="availableBytes"/> (null: <see cref="AvailableBytes"/>; the
    /// message gives both in GB), and every array within what one .NET array can hold (<see cref="Array.MaxLength"/>).
    /// ParamName is the setting to reduce, "HiddenSize" unless another one sizes the array that is too large.
    /// Returns the estimate when the run fits.
    /// </summary>
    public static ModelMemoryEstimate Check(ModelConfig config, int batchSize, int steps, int optimizerBuffers = 2,
        long? availableBytes = null, double maxFraction = DefaultMaxFraction)
    {
        if (!(maxFraction > 0 && maxFraction <= 1)) throw new ArgumentException($"maxFraction must be in (0, 1], got {maxFraction}.", nameof(maxFraction));
        if (availableBytes is <= 0) throw new ArgumentException($"availableBytes must be positive, got {availableBytes}.", nameof(availableBytes));
        var e = Estimate(config, batchSize, steps, optimizerBuffers);
        long available = availableBytes ?? AvailableBytes;
        Int128 budget = (Int128)(available * maxFraction);
        if (e.TotalBytes > budget)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Training this model needs about {ModelMemoryEstimate.Gigabytes(e.TotalBytes)} (HiddenSize {config.HiddenSize:N0}, " +
                $"{config.Layers} layer{(config.Layers == 1 ? "" : "s")}{(config.Bidirectional ? ", bidirectional" : "")}: " +
                $"{e.ParameterCount:N0} parameters of {ModelMemoryEstimate.Gigabytes(e.ParameterBytes)}, as much again for the gradients, " +
                $"{ModelMemoryEstimate.Gigabytes(e.OptimizerBytes)} of optimizer moments and {ModelMemoryEstimate.Gigabytes(e.ActivationBytes)} " +
                $"of activations for batches of {batchSize:N0} × {steps:N0} steps), more than {maxFraction * 100:0.#}% of the " +
                $"{ModelMemoryEstimate.Gigabytes(available)} of memory available. Reduce HiddenSize, the layers, the batch size or the steps per batch."),
                nameof(ModelConfig.HiddenSize));
        if (e.LargestBufferElements > Array.MaxLength)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{Capitalized(e.LargestBuffer)} would hold {e.LargestBufferElements:N0} values (HiddenSize {config.HiddenSize:N0}, " +
                $"batch {batchSize:N0} × {steps:N0} steps), more than the {Array.MaxLength:N0} one .NET array can hold. " +
                $"Reduce {e.LargestBufferSetting}{(e.LargestBufferSetting == nameof(ModelConfig.OutputSize) || e.LargestBuffer.Contains("T·B", StringComparison.Ordinal) ? ", the batch size or the steps per batch" : "")}."),
                e.LargestBufferSetting);
        return e;
    }

    /// <summary>
    /// Throws ArgumentException, naming the setting that sizes the largest parameter, when the parameters of
    /// <paramref name="config"/> do not fit in one .NET array (the model keeps them in one flat array). Called by
    /// the <see cref="SequenceModel{T}"/> constructor before it registers any parameter.
    /// </summary>
    internal static void CheckParameterCount(ModelConfig config)
    {
        Int128 p = ParameterCount(config);
        if (p <= Array.MaxLength) return;
        string setting = LargestParameterSetting(config);
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"HiddenSize {config.HiddenSize:N0} with {config.Layers} layer{(config.Layers == 1 ? "" : "s")}, InputSize {config.InputSize:N0} " +
            $"and OutputSize {config.OutputSize:N0} gives {p:N0} parameters ({ModelMemoryEstimate.Gigabytes(p * FloatBytes)}), more than the " +
            $"{Array.MaxLength:N0} that one .NET array can hold (a model keeps its parameters in one flat array). Reduce {setting}."),
            setting);
    }

    private static int Gates(ModelConfig config) => config.Cell switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => 1,
    };

    /// <summary>The setting that sizes the model's largest parameter: the embedding (InputSize), the head (OutputSize) or a recurrent weight (HiddenSize).</summary>
    private static string LargestParameterSetting(ModelConfig config)
    {
        Int128 h = config.HiddenSize, gh = Gates(config) * h, d = config.Bidirectional ? 2 : 1;
        Int128 recurrent = gh * Int128.Max(Int128.Max(h, config.StackInputSize), config.Layers > 1 ? d * h : 0);
        Int128 embedding = config.Input == InputKind.Embedding ? (Int128)config.InputSize * config.StackInputSize : 0;
        Int128 head = (Int128)config.OutputSize * d * h;
        if (recurrent >= embedding && recurrent >= head) return nameof(ModelConfig.HiddenSize);
        return embedding >= head ? nameof(ModelConfig.InputSize) : nameof(ModelConfig.OutputSize);
    }

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Sums buffer bytes and remembers the largest buffer.</summary>
    private sealed class Tally
    {
        public Int128 Bytes { get; private set; }
        public Int128 Largest { get; private set; } = -1;
        public string LargestName { get; private set; } = "";
        public string LargestSetting { get; private set; } = "";

        /// <summary><paramref name="arrays"/> arrays of <paramref name="elements"/> each, counted towards the bytes.</summary>
        public void Add(string name, Int128 elements, string setting, int arrays = 1, int elementBytes = FloatBytes)
        {
            Bytes += arrays * elements * elementBytes;
            Track(name, elements, setting);
        }

        /// <summary>A candidate for the largest single array (its bytes are counted elsewhere).</summary>
        public void Track(string name, Int128 elements, string setting)
        {
            if (elements <= Largest) return;
            Largest = elements;
            LargestName = name;
            LargestSetting = setting;
        }
    }
}
