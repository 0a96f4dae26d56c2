// TrainCommand: `rnn train` — train a language model on text files (or, without --data, on the project's own
// sources embedded in the tool), showing progress, evaluating, checkpointing into a run directory, and ending
// with the loss plot and a sample. `--resume DIR` continues a run exactly; `--init-from MODEL` fine-tunes.
// The training itself is LanguageModelRun's; this file turns flags into options and reports.
// `--task classify` and `--task tag` train a sequence classifier or tagger instead (TrainSupervised.cs), `--task
// forecast` a forecaster on a CSV time series (TrainForecast.cs), `--task seq2seq` an encoder–decoder
// (TrainCommand.Seq2Seq.cs), `--task caption` an image captioner (TrainCommand.Caption.cs). Under mpirun (or with --distributed) every task trains data-parallel: each process
// is one rank of the job (TrainDistributed.cs) and rank 0 alone reports and writes the run directory.
using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Recurrent.Cli.Corpus;
using Recurrent.Cli.Reporting;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Seq2Seq;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

internal static partial class TrainCommand
{
    public static Command Create()
    {
        var o = new Flags();
        var cmd = new Command("train",
            "Train a language model (char-rnn style) on text files; without --data, on the project's own sources (about 2 minutes). --task classify|tag|forecast|seq2seq|caption trains the other model shapes.");
        foreach (var option in o.All) cmd.Options.Add(option);
        var tasks = new TaskFlags(); // the options of --task forecast, seq2seq and classify only (TrainCommand.Tasks.cs)
        foreach (var option in tasks.All) cmd.Options.Add(option);
        cmd.SetAction(parse => Execute(parse, o, tasks));
        return cmd;
    }

    /// <summary>The command's options. Nullable values: null means "not given", so defaults and presets stay in one place.</summary>
    internal sealed class Flags
    {
        public readonly Option<string?> Task = new("--task") { HelpName = "TASK", Description = "lm (default: a language model), classify (label<TAB>text TSV or label,values CSV), tag (CoNLL token/tag lines), forecast (CSV time series), seq2seq (source<TAB>target TSV) or caption (--images DIR --captions FILE)." };
        public readonly Option<bool> Bidirectional = new("--bidirectional") { Description = "Bidirectional recurrent layers (--task classify and tag; seq2seq: the encoder)." };
        public readonly Option<string[]> Data = new("--data") { HelpName = "PATH", Description = "Training text: files, directories or globs (default: the built-in corpus of this project's sources).", AllowMultipleArgumentsPerToken = true };
        public readonly Option<string?> Encoding = new("--encoding") { HelpName = "NAME", Description = "Text encoding of the files (default utf-8; e.g. gbk, shift_jis, windows-1252, utf-16)." };
        public readonly Option<string?> Tokenizer = new("--tokenizer") { HelpName = "KIND", Description = "char (default), byte, word, bpe or jieba (Chinese words)." };
        public readonly Option<int?> MaxVocab = new("--max-vocab") { Description = "Word and jieba tokenizers: keep the N most frequent pieces (others become <unk>)." };
        public readonly Option<string?> UserDict = new("--user-dict") { HelpName = "FILE", Description = "Jieba tokenizer: a jieba user dictionary (UTF-8, \"word [frequency] [tag]\" per line); its words are stored in the model." };
        public readonly Option<string?> BpeEncoding = new("--bpe-encoding") { HelpName = "NAME", Description = "BPE tokenizer: cl100k_base (default) or o200k_base." };
        public readonly Option<double?> ValFraction = new("--val-fraction") { Description = $"Fraction of the data held out for validation ({TaskDefaults.ValidationFraction})." };
        public readonly Option<string[]> Val = new("--val") { HelpName = "PATH", Description = "Separate validation files (then all of --data trains).", AllowMultipleArgumentsPerToken = true };
        public readonly Option<string?> Model = new("--model") { HelpName = "CELL", Description = "Cell: lstm (default), gru, rnn or rnn-relu." };
        public readonly Option<string?> Activation = CommonOptions.ActivationOption();
        public readonly Option<string?> GateActivation = CommonOptions.GateActivationOption();
        public readonly Option<double?> ForgetBias = CommonOptions.ForgetBiasOption();
        public readonly Option<int?> Layers = new("--layers") { Description = $"Recurrent layers ({TaskDefaults.Layers})." };
        public readonly Option<int?> Hidden = new("--hidden") { Description = $"Hidden units per layer ({TaskDefaults.Hidden})." };
        public readonly Option<int?> Embedding = new("--embedding") { Description = $"Embedding size; 0 = one-hot inputs ({TaskDefaults.Embedding})." };
        public readonly Option<bool> TieWeights = new("--tie-weights") { Description = "Language models: the output layer uses the embedding table as its weight (Press & Wolf 2016), with a learned projection when --embedding differs from --hidden; fewer parameters, meant for word, bpe and jieba tokenizers. Needs --embedding > 0." };
        public readonly Option<double?> Dropout = new("--dropout") { Description = $"Dropout between layers ({TaskDefaults.Dropout})." };
        public readonly Option<string?> DropoutMasks = new("--dropout-masks") { HelpName = "KIND", Description = "Language models: the masks of --dropout — locked (default: one mask per stream for the whole window, AWD-LSTM) or element (a new mask per step and unit, as PyTorch's nn.LSTM)." };
        public readonly Option<double?> DropoutInput = new("--dropout-input") { HelpName = "P", Description = "Language models: locked dropout on the embedding outputs entering the first layer, one mask per stream and window (AWD-LSTM dropouti; default 0: off)." };
        public readonly Option<double?> DropoutOutput = new("--dropout-output") { HelpName = "P", Description = "Language models: locked dropout on the last layer's outputs before the output layer (AWD-LSTM dropout; default 0: off)." };
        public readonly Option<double?> DropoutEmbedding = new("--dropout-embedding") { HelpName = "P", Description = "Language models: drop whole tokens — each vocabulary row of the embedding table is zeroed with probability P per window, the others scaled by 1/(1−P) (AWD-LSTM dropoute; needs --embedding > 0; default 0: off)." };
        public readonly Option<double?> WeightDrop = new("--weight-drop") { HelpName = "P", Description = "Language models: DropConnect on the recurrent weights W_hh — each element dropped with probability P, one mask per window (AWD-LSTM wdrop; default 0: off)." };
        public readonly Option<bool> LayerNorm = new("--layer-norm") { Description = "Language models: layer-normalised LSTM or GRU cells (Ba et al. 2016) — the input and recurrent products normalised over the gates, and the LSTM's cell inside its output." };
        public readonly Option<int?> Mogrifier = new("--mogrifier") { HelpName = "ROUNDS", Description = "Language models: Mogrifier LSTM (Melis et al. 2019) — ROUNDS rounds in which each step's input and previous state gate each other before the step (the paper uses 5; default 0: off)." };
        public readonly Option<int?> MogrifierRank = new("--mogrifier-rank") { HelpName = "K", Description = "With --mogrifier: each round's matrix as a product of rank K (fewer parameters; default 0: full rank)." };
        public readonly Option<int?> Batch = new("--batch") { Description = $"Batch size: parallel streams B for lm, sequences or windows for the others ({TaskDefaults.Batch})." };
        public readonly Option<int?> SeqLength = new("--seq-length") { Description = "Steps per window T, the BPTT length (default: lm sized for the corpus and budget with --data, built-in corpus 64; others 64)." };
        public readonly Option<string?> Optimizer = new("--optimizer") { HelpName = "NAME", Description = "sgd, momentum, nesterov, adagrad, rmsprop, adam (default) or adamw." };
        public readonly Option<double?> Lr = new("--lr") { Description = $"Learning rate ({TaskDefaults.LearningRate})." };
        public readonly Option<double?> Momentum = new("--momentum") { Description = "Momentum for momentum/nesterov (default 0.9)." };
        public readonly Option<double?> Beta1 = new("--beta1") { Description = "Adam β1 (default 0.9)." };
        public readonly Option<double?> Beta2 = new("--beta2") { Description = "Adam β2 (default 0.999)." };
        public readonly Option<double?> Alpha = new("--alpha") { Description = "RMSprop smoothing α (default 0.95, char-rnn's)." };
        public readonly Option<double?> Eps = new("--eps") { Description = "Optimizer epsilon (default: PyTorch's for each)." };
        public readonly Option<double?> Clip = new("--clip") { Description = $"Clip the global gradient norm; 0 = off ({TaskDefaults.ClipNorm})." };
        public readonly Option<double?> ClipValue = new("--clip-value") { Description = "Clip each gradient element to ±value; 0 = off (default off)." };
        public readonly Option<double?> WeightDecay = new("--weight-decay") { Description = "Weight decay: L2 penalty, decoupled for adamw (default 0)." };
        public readonly Option<double?> Ar = new("--ar") { HelpName = "ALPHA", Description = "Activation regularisation (AWD-LSTM AR): α·mean(h²) of the last recurrent layer's outputs added to the loss (default 0: off)." };
        public readonly Option<double?> Tar = new("--tar") { HelpName = "BETA", Description = "Temporal activation regularisation (AWD-LSTM TAR): β·mean((h_t − h_{t−1})²) of the same outputs (default 0: off)." };
        public readonly Option<string?> AverageWeights = new("--average-weights") { HelpName = "KIND", Description = "Evaluate, keep as best and end with averaged weights: ema[:DECAY] (default 0.999), polyak[:START] (mean from update START, default 1) or nt[:N] (NT-ASGD: mean from when the monitored metric is worse than the best before the last N evaluations, default 5; with --optimizer sgd as in AWD-LSTM). Default: off." };
        public readonly Option<string?> LrSchedule = new("--lr-schedule") { HelpName = "KIND", Description = "constant (default), step (char-rnn: × --lr-decay per epoch after --lr-decay-after), exponential (× --lr-decay per step) or cosine (with --warmup)." };
        public readonly Option<double?> LrDecay = new("--lr-decay") { Description = "Decay factor of the step (default 0.97) or exponential schedule; alone it selects the step schedule." };
        public readonly Option<int?> LrDecayAfter = new("--lr-decay-after") { Description = "Step schedule: epochs before the first decay (default 10)." };
        public readonly Option<int?> LrDecayEvery = new("--lr-decay-every") { Description = "Step schedule: epochs between decays (default 1)." };
        public readonly Option<long?> Warmup = new("--warmup") { Description = "Cosine schedule: warm-up steps (default 0)." };
        public readonly Option<long?> ScheduleSteps = new("--schedule-steps") { Description = "Cosine schedule: step where it reaches --min-lr (default: the step budget)." };
        public readonly Option<double?> MinLr = new("--min-lr") { Description = "Cosine schedule: the final learning rate (default 0)." };
        public readonly Option<int?> Epochs = new("--epochs") { Description = $"Stop after N epochs ({TaskDefaults.Epochs})." };
        public readonly Option<long?> Steps = new("--steps") { Description = "Stop after N updates." };
        public readonly Option<string?> Time = new("--time") { HelpName = "DURATION", Description = "Stop after a wall-clock budget, e.g. 90s, 10m, 1h30m (built-in corpus: 100s)." };
        public readonly Option<int?> EvalEvery = new("--eval-every") { Description = $"Evaluate on validation data every N updates; 0 = only at the end ({TaskDefaults.EvalEvery})." };
        public readonly Option<int?> Patience = new("--patience") { Description = $"Stop after N evaluations without improvement ({TaskDefaults.Patience})." };
        public readonly Option<int?> Plateau = new("--plateau") { HelpName = "N", Description = "Multiply the learning rate by --plateau-factor after every N evaluations without improvement (Keras' ReduceLROnPlateau; default never)." };
        public readonly Option<double?> PlateauFactor = new("--plateau-factor") { HelpName = "F", Description = "What --plateau multiplies the learning rate by (default 0.5)." };
        public readonly Option<int?> LogEvery = new("--log-every") { Description = $"Write a metrics line every N updates ({TaskDefaults.LogEvery})." };
        public readonly Option<int?> StatsEvery = new("--stats-every") { Description = "Write weight, gradient, update and activation statistics to stats.jsonl every N updates (default: as --log-every; 0 = none)." };
        public readonly Option<int?> SampleEvery = new("--sample-every") { Description = "Print a sample every N updates (default 500; 0 = none during training)." };
        public readonly Option<int?> SampleLength = new("--sample-length") { Description = "Tokens per sample (default 200)." };
        public readonly Option<double?> SampleTemperature = new("--sample-temperature") { Description = "Temperature of the samples (default 1; built-in corpus 0.8)." };
        public readonly Option<string?> SamplePrime = new("--sample-prime") { HelpName = "TEXT", Description = "Text the samples start from (default: a newline; built-in corpus: \"public \")." };
        public readonly Option<string?> RunDir = new("--run-dir") { HelpName = "DIR", Description = "Directory for checkpoints, metrics, samples and plots (default runs/DATE-TIME)." };
        public readonly Option<string?> Resume = new("--resume") { HelpName = "DIR", Description = "Continue the run in this directory exactly where it stopped." };
        public readonly Option<string?> InitFrom = new("--init-from") { HelpName = "MODEL", Description = "Start from this model's weights and tokenizer (fine-tuning)." };
        public readonly Option<ulong?> Seed = new("--seed") { Description = "Random seed (default 1)." };
        public readonly Option<bool> Quiet = new("--quiet") { Description = "Print only the summary and the final sample." };
        public readonly Option<int?> CheckpointEvery = new("--checkpoint-every") { Description = "Also write last.safetensors every N updates (default 0: at evaluations and at the end)." };
        public readonly Option<int?> Ui = new("--ui") { HelpName = "PORT", Arity = ArgumentArity.ZeroOrOne, Description = "Serve a live dashboard of this run in the browser at http://127.0.0.1:PORT (default: a free port, printed at start); after the run, `rnn ui RUN_DIR` shows it again." };
        public readonly Option<string?> UiHost = new("--ui-host") { HelpName = "ADDRESS", Description = "With --ui: listen on this address instead of 127.0.0.1 (e.g. 0.0.0.0); every request then needs the token printed in the dashboard's address." };
        public readonly Option<bool> Distributed = new("--distributed") { Description = "Train data-parallel over MPI, one rank per process: start with `mpirun -np N rnn train ...` (implied under mpirun); --batch is the global batch, split evenly over the N processes (docs/distributed.md). Every --task." };
        public readonly Option<int?> MaxBadSteps = new("--max-bad-steps") { Description = "Stop after N windows in a row with a non-finite loss or gradient; each is skipped, not applied (default 10)." };

        public IEnumerable<Option> All =>
        [
            Task, Bidirectional,
            Data, Encoding, Tokenizer, MaxVocab, UserDict, BpeEncoding, ValFraction, Val, Model, Activation, GateActivation, ForgetBias, Layers, Hidden, Embedding, TieWeights, Dropout, DropoutMasks, DropoutInput, DropoutOutput, DropoutEmbedding, WeightDrop, LayerNorm, Mogrifier, MogrifierRank, Batch,
            SeqLength, Optimizer, Lr, Momentum, Beta1, Beta2, Alpha, Eps, Clip, ClipValue, WeightDecay, Ar, Tar, AverageWeights, LrSchedule, LrDecay,
            LrDecayAfter, LrDecayEvery, Warmup, ScheduleSteps, MinLr, Epochs, Steps, Time, EvalEvery, Patience, Plateau, PlateauFactor, LogEvery, StatsEvery,
            SampleEvery, SampleLength, SampleTemperature, SamplePrime, RunDir, Resume, InitFrom, Seed, Quiet, CheckpointEvery, MaxBadSteps, Ui, UiHost,
            Distributed,
        ];

        /// <summary>Options a resumed run takes from its checkpoint: giving them with --resume is an error.</summary>
        public IEnumerable<Option> FixedOnResume =>
        [
            Data, Encoding, Tokenizer, MaxVocab, UserDict, BpeEncoding, ValFraction, Val, Model, Activation, GateActivation, ForgetBias, Layers, Hidden, Embedding, TieWeights, Dropout, DropoutMasks, DropoutInput, DropoutOutput, DropoutEmbedding, WeightDrop, LayerNorm, Mogrifier, MogrifierRank, Batch,
            SeqLength, Optimizer, Lr, Momentum, Beta1, Beta2, Alpha, Eps, Clip, ClipValue, WeightDecay, Ar, Tar, AverageWeights, LrSchedule, LrDecay,
            LrDecayAfter, LrDecayEvery, Warmup, ScheduleSteps, MinLr, RunDir, InitFrom, Seed,
        ];

        /// <summary>Flag for each LanguageModelOptions/TrainingDataSpec property, to word library errors in CLI terms.</summary>
        public static readonly Dictionary<string, string> FlagOf = new(StringComparer.Ordinal)
        {
            ["Layers"] = "--layers", ["Activation"] = "--activation", ["GateActivation"] = "--gate-activation", ["ForgetGateBias"] = "--forget-bias", ["HiddenSize"] = "--hidden", ["EmbeddingSize"] = "--embedding", ["TieWeights"] = "--tie-weights", ["Dropout"] = "--dropout",
            ["InputDropout"] = "--dropout-input", ["OutputDropout"] = "--dropout-output", ["EmbeddingDropout"] = "--dropout-embedding", ["WeightDrop"] = "--weight-drop",
            ["LayerNorm"] = "--layer-norm", ["MogrifierRounds"] = "--mogrifier", ["MogrifierRank"] = "--mogrifier-rank",
            ["BatchSize"] = "--batch", ["SequenceLength"] = "--seq-length", ["LearningRate"] = "--lr", ["Momentum"] = "--momentum",
            ["Beta1"] = "--beta1", ["Beta2"] = "--beta2", ["RmsPropAlpha"] = "--alpha", ["Epsilon"] = "--eps", ["ClipNorm"] = "--clip",
            ["ClipValue"] = "--clip-value", ["WeightDecay"] = "--weight-decay", ["ActivationRegularization"] = "--ar", ["TemporalActivationRegularization"] = "--tar", ["LrDecay"] = "--lr-decay",
            ["LrDecayAfter"] = "--lr-decay-after", ["LrDecayEvery"] = "--lr-decay-every", ["WarmupSteps"] = "--warmup",
            ["ScheduleSteps"] = "--schedule-steps", ["MinLearningRate"] = "--min-lr", ["Epochs"] = "--epochs", ["Steps"] = "--steps",
            ["TimeBudgetSeconds"] = "--time", ["Patience"] = "--patience", ["PlateauPatience"] = "--plateau", ["PlateauFactor"] = "--plateau-factor", ["EvalEvery"] = "--eval-every", ["LogEvery"] = "--log-every", ["StatsEvery"] = "--stats-every",
            ["SampleEvery"] = "--sample-every", ["SampleLength"] = "--sample-length", ["SampleTemperature"] = "--sample-temperature", ["SamplePrime"] = "--sample-prime",
            ["CheckpointEvery"] = "--checkpoint-every", ["MaxBadSteps"] = "--max-bad-steps",
            ["ValidationFraction"] = "--val-fraction", ["MaxVocabulary"] = "--max-vocab", ["Tokenizer"] = "--tokenizer",
            ["BpeEncoding"] = "--bpe-encoding", ["UserDictionary"] = "--user-dict", ["Window"] = "--window", ["Horizon"] = "--horizon", ["MaxTargetLength"] = "--max-output",
            ["FeaturesPerStep"] = "--features-per-step",
            ["AverageWeights"] = "--average-weights",
        };
    }

    // One entry per kind of model: how `rnn train --task KIND` starts a run and how `rnn train --resume DIR` continues
    // one whose checkpoint says it is of that kind (its fit state's run "kind").
    // `rnn lr-find` comes through here too, with a sweep: each kind then hands its start code to the sweep instead of training.
    internal static int Execute(ParseResult parse, Flags o, TaskFlags t, LrFindCommand.Sweep? sweep = null)
    {
        bool distributedAsked = parse.GetValue(o.Distributed);
        if (sweep is not null)
        {
            if (distributedAsked || Recurrent.Distributed.MpiEnvironment.IsLaunched)
                throw new UserFacingException("rnn lr-find runs in one process: run it without mpirun and --distributed.");
            return Execute(parse, o, t, sweep, null);
        }
        using var distributed = TrainDistributed.Join(distributedAsked);
        return distributed is null ? Execute(parse, o, t, null, null)
            : distributed.Run(() => Execute(parse, o, t, null, distributed), parse.GetValue(CommonOptions.Verbose));
    }

    private static int Execute(ParseResult parse, Flags o, TaskFlags t, LrFindCommand.Sweep? sweep, TrainDistributed? distributed)
    {
        using var signals = new TrainingSignals(silent: distributed is { IsRoot: false });
        if (sweep is null) ReadUi(parse, o); // --ui mistakes are reported before the data is read
        if (parse.GetValue(o.Resume) is string resume)
        {
            // The data, model and optimizer of a run are fixed when it starts, whatever its kind.
            foreach (var option in o.FixedOnResume)
                if (CommonOptions.Given(parse, option))
                    throw new UserFacingException($"{option.Name} cannot be used with --resume: a resumed run keeps the settings it started with " +
                        "(only --epochs, --steps, --time, --patience, --plateau, --plateau-factor, --eval-every, --log-every, --stats-every, --checkpoint-every, --max-bad-steps and the --sample-* options may change).");
            string checkpoint = ResumeCheckpoint(resume);
            string kind = RunKind(checkpoint);
            if (CommonOptions.Given(parse, o.Task) && parse.GetValue(o.Task)!.ToLowerInvariant() != kind)
                throw new UserFacingException($"'{checkpoint}' is a run of --task {kind}, not --task {parse.GetValue(o.Task)}; drop --task to resume it.");
            return kind switch
            {
                "lm" => ExecuteResume(parse, o, t, checkpoint, signals.Token, distributed),
                "classify" or "tag" => TrainSupervised.Resume(parse, o, t, kind, checkpoint, signals.Token, distributed),
                "forecast" => TrainForecast.Resume(parse, o, t, checkpoint, signals.Token, distributed),
                Seq2SeqRunSpec.RunKind => ResumeSeq2Seq(parse, o, t, checkpoint, signals.Token, distributed),
                Recurrent.Captioning.CaptionRunSpec.RunKind => ResumeCaption(parse, o, t, checkpoint, signals.Token, distributed),
                _ => throw new UserFacingException($"'{checkpoint}' is a run of --task {kind}, which cannot be resumed by this build."),
            };
        }
        string task = parse.GetValue(o.Task)?.ToLowerInvariant() ?? "lm";
        return task switch
        {
            "lm" => ExecuteLanguageModel(parse, o, t, signals.Token, sweep, distributed),
            "classify" or "tag" => TrainSupervised.Execute(parse, o, t, task, signals.Token, sweep, distributed),
            "forecast" => TrainForecast.Execute(parse, o, t, signals.Token, sweep, distributed),
            Seq2SeqRunSpec.RunKind => ExecuteSeq2Seq(parse, o, t, signals.Token, sweep, distributed),
            Recurrent.Captioning.CaptionRunSpec.RunKind => ExecuteCaption(parse, o, t, signals.Token, sweep, distributed),
            _ => throw new UserFacingException($"unknown --task '{task}'; use lm, classify, tag, forecast, seq2seq or caption."),
        };
    }

    /// <summary>The checkpoint to resume from: DIR/last.safetensors, or the file given.</summary>
    private static string ResumeCheckpoint(string resume)
    {
        string full = Path.GetFullPath(resume);
        string checkpointPath = Directory.Exists(full) ? Path.Combine(full, RunDirectory.LastFile) : full;
        if (!File.Exists(checkpointPath))
            throw new UserFacingException(Directory.Exists(full)
                ? $"'{full}' has no {RunDirectory.LastFile} to resume from; give the directory of an `rnn train` run."
                : $"the run directory '{full}' does not exist.");
        return checkpointPath;
    }

    /// <summary>The kind of model a checkpoint's run trained ("lm", "classify", ...), from its training state.</summary>
    private static string RunKind(string checkpoint)
    {
        var content = Recurrent.Serialization.ModelFile.Read(checkpoint);
        if (content.Training is null)
            throw new UserFacingException($"'{checkpoint}' holds a model but no training state, so it cannot be resumed; use --init-from to fine-tune from it instead.");
        var run = FitState.ReadRun(content.Training, checkpoint);
        return run?["kind"]?.GetValue<string>() ?? throw new UserFacingException(
            $"'{checkpoint}' holds no training state this build can resume (it was written by an older version); start a new run with --init-from to keep its weights.");
    }

    private static int ExecuteLanguageModel(ParseResult parse, Flags o, TaskFlags t, CancellationToken cancellation, LrFindCommand.Sweep? sweep,
        TrainDistributed? distributed)
    {
        RejectOthers(parse, "lm", [], t.All);
        if (parse.GetValue(o.Bidirectional))
            throw new UserFacingException("--bidirectional needs --task classify or tag: a language model reads only the past.");
        return ExecuteNew(parse, o, cancellation, sweep, distributed);
    }

    private static int ExecuteNew(ParseResult parse, Flags o, CancellationToken cancellation, LrFindCommand.Sweep? sweep, TrainDistributed? distributed)
    {
        string[]? dataPaths = parse.GetValue(o.Data) is { Length: > 0 } d ? d : null;
        bool builtIn = dataPaths is null;
        string? initFrom = parse.GetValue(o.InitFrom);
        LanguageModelFile? init = null;
        if (initFrom is not null)
        {
            foreach (var fixedByModel in new Option[] { o.Tokenizer, o.MaxVocab, o.UserDict, o.BpeEncoding })
                if (CommonOptions.Given(parse, fixedByModel))
                    throw new UserFacingException($"{fixedByModel.Name} cannot be used with --init-from: the tokenizer comes from '{initFrom}'.");
            init = LanguageModelFile.Load(CommonOptions.ResolveModelPath(initFrom));
        }

        var spec = new TrainingDataSpec
        {
            Data = dataPaths ?? [BuiltInCorpus.Name],
            Validation = parse.GetValue(o.Val) is { Length: > 0 } v ? v : null,
            Encoding = parse.GetValue(o.Encoding),
            Tokenizer = init?.Tokenizer.Kind ?? parse.GetValue(o.Tokenizer)?.ToLowerInvariant() ?? TokenizerKinds.Char,
            MaxVocabulary = parse.GetValue(o.MaxVocab),
            UserDictionary = parse.GetValue(o.UserDict),
            BpeEncoding = parse.GetValue(o.BpeEncoding) ?? "cl100k_base",
            ValidationFraction = parse.GetValue(o.ValFraction) ?? 0.05,
            BuiltIn = builtIn ? BuiltInCorpus.Name : null,
        };
        if (builtIn && (spec.Validation is not null || spec.Encoding is not null))
            throw new UserFacingException("--val and --encoding need --data: the built-in corpus is UTF-8 and split by --val-fraction.");

        LanguageModelOptions options = BuildOptions(parse, o, builtIn, init);
        // lr-find's --steps is the sweep's length: the model is sized as `rnn train` sizes it for its default budget.
        if (sweep is not null) options = options with { Fit = options.Fit with { Steps = null, TimeBudgetSeconds = null, Epochs = 10 }, SampleEvery = 0 };
        Map(() => spec.Validate());
        Map(() => options.Validate());

        string runDir = sweep is not null ? "" : parse.GetValue(o.RunDir) ?? DefaultRunDirectory();
        // Only rank 0 writes the run directory, and it may already have started it when another rank gets here.
        if (sweep is null && distributed is not { IsRoot: false } && new RunDirectory(runDir).HoldsRun)
            throw new UserFacingException($"the run directory '{new RunDirectory(runDir).Path}' already holds a run; continue it with --resume {runDir}, or choose another --run-dir. Nothing was changed.");

        bool quiet = parse.GetValue(o.Quiet);
        using LanguageDataset data = LoadData(spec, init?.Tokenizer, quiet);
        options = SizeForBudget(parse, o, options, data, builtIn, init, quiet, distributed);
        Map(() => options.Validate());
        CheckWindow(data, options, spec, builtIn);
        if (sweep is not null)
            return sweep.Run("lm", options.Optimization, (directory, optimization, fit) =>
                LanguageModelRun.Start(options with { Optimization = optimization, Fit = fit }, data, directory, spec, init?.Content.Parameters, init?.Path).Loop,
                cancellation);
        AnnounceSetup(options.ModelConfig(data.Tokenizer.VocabularySize), options.BatchSize, options.SequenceLength, options.Optimization);
        LanguageModelRun trainer = Map(() =>
            LanguageModelRun.Start(options, data, runDir, spec, init?.Content.Parameters, init?.Path, distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            // The other ranks only train: the run's files, progress, plots and samples are rank 0's.
            trainer.Run(cancellation);
            return 0;
        }
        if (!quiet) PrintHeader(trainer, data, spec, builtIn, init);
        if (!quiet && distributed is not null) Console.WriteLine(DataParallelLine(distributed, options));
        return Train(trainer, quiet, ReadUi(parse, o), cancellation);
    }

    /// <summary>
    /// The defaults that size themselves (LanguageModelSizing): with --data, when any of --hidden, --layers, --batch,
    /// --seq-length, --lr or --dropout is not given, those are chosen from the corpus, the vocabulary, the budget and
    /// this machine's measured speed, and one line says what and why. The built-in corpus keeps its preset (the main
    /// job's two minutes), and fine-tuning keeps the model's architecture.
    /// </summary>
    private static LanguageModelOptions SizeForBudget(ParseResult parse, Flags o, LanguageModelOptions options, LanguageDataset data,
        bool builtIn, LanguageModelFile? init, bool quiet, TrainDistributed? distributed)
    {
        Option[] sized = [o.Hidden, o.Layers, o.Batch, o.SeqLength, o.Lr, o.Dropout];
        if (builtIn || init is not null || sized.All(f => CommonOptions.Given(parse, f)) || data.Train.Length < 2) return options;
        // Timing candidate models would be done by each process on its own, and they could choose different models.
        if (distributed is not null && options.Fit.TimeBudgetSeconds is not null)
            throw new UserFacingException("a data-parallel run cannot size its model by timing (--time with --data): give --hidden, --layers, --batch, " +
                "--seq-length, --lr and --dropout, or a --steps or --epochs budget instead of --time.");
        var request = new SizingRequest
        {
            TrainingTokens = data.Train.Length,
            Vocabulary = data.Tokenizer.VocabularySize,
            TimeSeconds = options.Fit.TimeBudgetSeconds,
            Steps = options.Fit.Steps,
            Epochs = options.Fit.Epochs,
            HiddenSize = parse.GetValue(o.Hidden),
            Layers = parse.GetValue(o.Layers),
            BatchSize = parse.GetValue(o.Batch),
            SequenceLength = parse.GetValue(o.SeqLength),
            LearningRate = parse.GetValue(o.Lr),
            Dropout = parse.GetValue(o.Dropout),
            // A learning rate or schedule the user gave is theirs to schedule: the cosine decay comes with a chosen rate only.
            ScheduleGiven = CommonOptions.Given(parse, o.LrSchedule) || CommonOptions.Given(parse, o.LrDecay) || CommonOptions.Given(parse, o.Lr),
        };
        if (!quiet && request.TimeSeconds is not null) Console.Write("sizing: timing candidate models on this machine...");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SizingChoice choice = Map(() => LanguageModelSizing.Choose(options, request,
            (config, batch, window) => LanguageModelSizing.MeasureTokensPerSecond(config, batch, window)));
        double spent = watch.Elapsed.TotalSeconds;
        if (!quiet && request.TimeSeconds is not null) Console.Write("\r");
        if (!quiet) Console.WriteLine(choice.Describe());
        options = LanguageModelSizing.Apply(options, choice, request.ScheduleGiven);
        // The timing is part of the wall-clock budget the user gave: training gets what is left.
        if (options.Fit.TimeBudgetSeconds is double budget && request.TimeSeconds is not null)
        {
            if (!quiet) Console.WriteLine($"sizing took {Format.Duration(spent)} of the {Format.Duration(budget)} budget");
            options = options with { Fit = options.Fit with { TimeBudgetSeconds = Math.Max(1, budget - spent) } };
        }
        return options;
    }

    private static int ExecuteResume(ParseResult parse, Flags o, TaskFlags t, string checkpointPath, CancellationToken cancellation,
        TrainDistributed? distributed)
    {
        RejectOthers(parse, "lm", [], t.All);
        foreach (var option in o.FixedOnResume)
            if (CommonOptions.Given(parse, option))
                throw new UserFacingException($"{option.Name} cannot be used with --resume: a resumed run keeps the settings it started with " +
                    "(only --epochs, --steps, --time, --patience, --plateau, --plateau-factor, --eval-every, --log-every, --stats-every, --checkpoint-every, --max-bad-steps and the --sample-* options may change).");
        var checkpoint = LanguageModelFile.LoadCheckpoint(checkpointPath);
        LanguageModelRunSpec state = checkpoint.RunSpec!;
        if (state.Data is null)
            throw new UserFacingException($"'{checkpointPath}' does not say which corpus it was trained on, so it can only be resumed through the library (LanguageModelRun.Resume).");

        LanguageModelOptions controls = ApplyRunControls(parse, o, state.Options, resuming: true);
        Map(() => controls.Validate());
        bool builtIn = state.Data.BuiltIn is not null;
        bool quiet = parse.GetValue(o.Quiet);
        using LanguageDataset data = LoadData(state.Data, checkpoint.Tokenizer, quiet);
        string runDir = Path.GetDirectoryName(checkpointPath)!;
        var trainer = Map(() => LanguageModelRun.Resume(checkpoint, data, runDir, controls, distributed?.Reducer));
        if (distributed is { IsRoot: false })
        {
            trainer.Run(cancellation); // the other ranks only train
            return 0;
        }
        if (!quiet)
        {
            PrintHeader(trainer, data, state.Data, builtIn, null);
            Console.WriteLine($"resuming at step {trainer.Loop.Step}, epoch {Format.Number(trainer.Loop.FractionalEpoch, "F2")}");
            if (distributed is not null) Console.WriteLine(DataParallelLine(distributed, trainer.Options));
        }
        return Train(trainer, quiet, ReadUi(parse, o), cancellation);
    }

    private static string DataParallelLine(TrainDistributed distributed, LanguageModelOptions options) =>
        $"data-parallel: {distributed.Reducer.Size} processes ({distributed.Reducer.Library}), each training {options.BatchSize / distributed.Reducer.Size} " +
        $"of the {options.BatchSize} streams of every batch and validating its share of the validation rows; rank 0 writes the run directory";

    private static int Train(LanguageModelRun trainer, bool quiet, Recurrent.Cli.Dashboard.DashboardRequest? ui, CancellationToken cancellation) =>
        RunFit(trainer.Loop, trainer.RunDirectory, quiet, ui, cancellation, trainer.Sampler, outcome =>
        {
            var run = trainer.RunDirectory;
            double temperature = trainer.Options.SampleTemperature;
            Console.WriteLine($"sample (step {outcome.Step}, temperature {Format.Number(temperature, "G")}):");
            Console.WriteLine(trainer.Sample(trainer.Options.SampleLength, temperature, trainer.Options.Seed + (ulong)outcome.Step, trainer.Options.SamplePrime));
            Console.WriteLine($"more: rnn sample {run.Path} --length 1000   continue: rnn train --resume {run.Path} --steps N");
        });

    /// <summary>Why a run stopped, in words, for every kind of model.</summary>
    internal static string Describe(StopReason reason, FitOptions o) => reason switch
    {
        StopReason.Steps => $"step budget ({o.Steps}) reached",
        StopReason.Epochs => $"epoch budget ({o.Epochs}) reached",
        StopReason.Time => $"time budget ({Format.Duration(o.TimeBudgetSeconds ?? 0)}) reached",
        StopReason.EarlyStopping => $"no validation improvement in {o.Patience} evaluations (early stopping)",
        StopReason.Cancelled => "interrupted; checkpoint written",
        StopReason.TargetReached => "reached its target",
        _ => reason.ToString(),
    };

    private static LanguageModelOptions BuildOptions(ParseResult parse, Flags o, bool builtIn, LanguageModelFile? init)
    {
        var x = new LanguageModelOptions();
        if (builtIn)
            x = x with { Fit = x.Fit with { EvalEvery = 100 }, SampleEvery = 300, SampleLength = 400, SampleTemperature = 0.8, SamplePrime = "public " };
        else
            x = x with { SampleEvery = 500 };
        if (init is not null)
        {
            // Fine-tuning keeps the model's architecture unless flags say otherwise (a mismatch is then named by shape).
            var c = init.Model.Config;
            x = x with { Cell = c.Cell, Layers = c.Layers, HiddenSize = c.HiddenSize, Dropout = c.Dropout,
                EmbeddingSize = c.Input == InputKind.Embedding ? c.StackInputSize : 0, Activation = c.Activation, GateActivation = c.GateActivation,
                InputDropout = c.InputDropout, OutputDropout = c.OutputDropout, EmbeddingDropout = c.EmbeddingDropout, WeightDrop = c.WeightDrop,
                TieWeights = c.TieWeights, LayerNorm = c.LayerNorm, MogrifierRounds = c.MogrifierRounds, MogrifierRank = c.MogrifierRank };
        }
        if (parse.GetValue(o.Model) is string cell) x = x with { Cell = CommonOptions.ParseCell(cell) };
        if (init is not null && CommonOptions.Given(parse, o.ForgetBias))
            throw new UserFacingException("--forget-bias cannot be used with --init-from: it sets the initial weights, and those come from the model.");
        if (CommonOptions.ReadForgetBias(parse, o.ForgetBias, x.Cell) is double forgetBias) x = x with { ForgetGateBias = forgetBias };
        x = x with
        {
            Activation = CommonOptions.ParseActivation(parse.GetValue(o.Activation), x.Activation),
            GateActivation = CommonOptions.ParseGateActivation(parse.GetValue(o.GateActivation), x.GateActivation),
        };
        CommonOptions.CheckActivations(x.Cell, x.Activation, x.GateActivation);
        if (parse.GetValue(o.Layers) is int layers) x = x with { Layers = layers };
        if (parse.GetValue(o.Hidden) is int hidden) x = x with { HiddenSize = hidden };
        if (parse.GetValue(o.Embedding) is int embedding) x = x with { EmbeddingSize = embedding };
        if (parse.GetValue(o.TieWeights)) x = x with { TieWeights = true };
        if (parse.GetValue(o.Dropout) is double dropout) x = x with { Dropout = dropout };
        // New runs default to locked masks between layers (AWD-LSTM); the library's default stays element-wise.
        x = x with { LockedDropout = (parse.GetValue(o.DropoutMasks)?.ToLowerInvariant() ?? "locked") switch
        {
            "locked" => true,
            "element" => false,
            string other => throw new UserFacingException($"--dropout-masks must be locked or element, got '{other}'."),
        } };
        if (parse.GetValue(o.DropoutInput) is double inputDropout) x = x with { InputDropout = inputDropout };
        if (parse.GetValue(o.DropoutOutput) is double outputDropout) x = x with { OutputDropout = outputDropout };
        if (parse.GetValue(o.DropoutEmbedding) is double embeddingDropout) x = x with { EmbeddingDropout = embeddingDropout };
        if (parse.GetValue(o.WeightDrop) is double weightDrop) x = x with { WeightDrop = weightDrop };
        if (parse.GetValue(o.LayerNorm)) x = x with { LayerNorm = true };
        if (parse.GetValue(o.Mogrifier) is int rounds) x = x with { MogrifierRounds = rounds };
        if (parse.GetValue(o.MogrifierRank) is int rank) x = x with { MogrifierRank = rank };
        if (x.EmbeddingDropout > 0 && x.EmbeddingSize == 0)
            throw new UserFacingException($"--dropout-embedding drops rows of the embedding table, but --embedding 0 gives one-hot inputs (no table); use --dropout-input, or an --embedding size.");
        if (parse.GetValue(o.Batch) is int batch) x = x with { BatchSize = batch };
        if (parse.GetValue(o.SeqLength) is int seq) x = x with { SequenceLength = seq };
        x = x with { Optimization = ReadOptimization(parse, o, x.Optimization) };
        if (parse.GetValue(o.Seed) is ulong seed) x = x with { Seed = seed };
        x = ApplyRunControls(parse, o, x, resuming: false);
        if (x.Fit.Epochs is null && x.Fit.Steps is null && x.Fit.TimeBudgetSeconds is null)
            x = x with { Fit = builtIn ? x.Fit with { TimeBudgetSeconds = 100 } : x.Fit with { Epochs = 10 } };
        return x;
    }

    /// <summary>Budgets, patience and reporting intervals (ReadFit's flags) and the sample flags.</summary>
    private static LanguageModelOptions ApplyRunControls(ParseResult parse, Flags o, LanguageModelOptions x, bool resuming)
    {
        x = x with { Fit = ReadFit(parse, o, x.Fit, resuming) };
        if (parse.GetValue(o.SampleEvery) is int sampleEvery) x = x with { SampleEvery = sampleEvery };
        if (parse.GetValue(o.SampleLength) is int sampleLength) x = x with { SampleLength = sampleLength };
        if (parse.GetValue(o.SampleTemperature) is double temperature) x = x with { SampleTemperature = temperature };
        if (parse.GetValue(o.SamplePrime) is string prime) x = x with { SamplePrime = prime };
        return x;
    }

    /// <summary>Reads and tokenizes the corpus, with a progress line for passes that take more than a second (unless quiet).</summary>
    private static LanguageDataset LoadData(TrainingDataSpec spec, Tokenizer? tokenizer, bool quiet)
    {
        var display = quiet ? null : new CorpusProgressDisplay(tokenizer?.Kind ?? spec.Tokenizer);
        try
        {
            if (spec.BuiltIn is null) return spec.Load(tokenizer, display is null ? null : display.Report);
            string root = BuiltInCorpus.Extract();
            try { return (spec with { Data = [root] }).Load(tokenizer, display is null ? null : display.Report); }
            finally { BuiltInCorpus.Delete(root); }
        }
        finally
        {
            display?.Finish();
        }
    }

    private static void CheckWindow(LanguageDataset data, LanguageModelOptions options, TrainingDataSpec spec, bool builtIn)
    {
        long needed = (long)options.BatchSize * (options.SequenceLength + 1);
        string source = builtIn ? "the built-in corpus" : string.Join(", ", spec.Data.Select(p => $"'{p}'"));
        if (data.Train.Length < needed)
            throw new UserFacingException(
                $"the training data from {source} has {data.Train.Length} tokens{(spec.Validation is null && spec.ValidationFraction > 0 ? $" after holding out {Format.Number(spec.ValidationFraction * 100, "G3")}% for validation" : "")}, " +
                $"fewer than one window needs: --batch {options.BatchSize} × (--seq-length {options.SequenceLength} + 1) = {needed}. " +
                "Use a smaller --batch or --seq-length, or more text.");
        if (data.Validation.Length < 2 && (spec.Validation is not null || spec.ValidationFraction > 0))
            Console.Error.WriteLine($"rnn: warning: the validation data has {data.Validation.Length} tokens, too few to evaluate; " +
                "training goes on without validation (no best.safetensors). Give more text, a larger --val-fraction or --val FILE.");
    }

    private static void PrintHeader(LanguageModelRun trainer, LanguageDataset data, TrainingDataSpec spec, bool builtIn, LanguageModelFile? init)
    {
        var o = trainer.Options;
        string corpus = builtIn ? "built-in corpus (this project's C# sources and docs)" : string.Join(" ", spec.Data);
        Console.WriteLine($"corpus: {corpus}; {data.Tokenizer}; {data.Train.Length:N0} training tokens, {data.Validation.Length:N0} validation tokens");
        string input = o.EmbeddingSize > 0 ? $"embedding {o.EmbeddingSize}" : "one-hot input";
        if (o.TieWeights) input += o.EmbeddingSize == o.HiddenSize ? " tied to the output layer" : $" tied to the output layer through a {o.HiddenSize}→{o.EmbeddingSize} projection";
        string dropout = o.Dropout > 0 ? $", dropout {Format.Number(o.Dropout, "G")} ({(o.LockedDropout ? "locked" : "element")} masks)" : "";
        if (o.InputDropout > 0) dropout += $", input dropout {Format.Number(o.InputDropout, "G")}";
        if (o.OutputDropout > 0) dropout += $", output dropout {Format.Number(o.OutputDropout, "G")}";
        if (o.EmbeddingDropout > 0) dropout += $", embedding dropout {Format.Number(o.EmbeddingDropout, "G")}";
        if (o.WeightDrop > 0) dropout += $", weight drop {Format.Number(o.WeightDrop, "G")}";
        string structure = o.LayerNorm ? "layer-normalised "
            : o.MogrifierRounds > 0 ? $"Mogrifier ({o.MogrifierRounds} rounds{(o.MogrifierRank > 0 ? $", rank {o.MogrifierRank}" : "")}) " : "";
        string cell = o.Cell switch
        {
            CellKind.Lstm => structure + "LSTM" + CommonOptions.ActivationsText(o.Activation, o.GateActivation),
            CellKind.Gru => structure + "GRU" + CommonOptions.ActivationsText(o.Activation, o.GateActivation),
            CellKind.RnnRelu => "RNN (ReLU)",
            _ => $"RNN ({CommonOptions.Name(o.Activation)})",
        };
        if (o.Cell == CellKind.Lstm) dropout += TrainSupervised.ForgetBiasText(o.ForgetGateBias);
        Console.WriteLine($"model: {cell} {o.Layers}×{o.HiddenSize}, {input}{dropout}; {trainer.Model.Parameters.Count:N0} parameters" +
            (init is not null ? $"; fine-tuning from {init.Path}" : ""));
        var opt = o.Optimization;
        string clip = opt.ClipNorm is double cn ? $", clip norm {cn}" : "";
        if (opt.ClipValue is double cv) clip += $", clip value {cv}";
        if (opt.ActivationRegularization > 0) clip += $", AR {Format.Number(opt.ActivationRegularization, "G")}";
        if (opt.TemporalActivationRegularization > 0) clip += $", TAR {Format.Number(opt.TemporalActivationRegularization, "G")}";
        var budgets = new List<string>();
        if (o.Fit.Steps is long s) budgets.Add($"{s} steps");
        if (o.Fit.Epochs is int e) budgets.Add($"{e} epochs");
        if (o.Fit.TimeBudgetSeconds is double t) budgets.Add(Format.Duration(t));
        Console.WriteLine($"training: batch {o.BatchSize} × {o.SequenceLength} steps ({trainer.Loop.BatchesPerEpoch:N0} updates per epoch); " +
            $"{opt.Optimizer} lr {Format.Number(opt.LearningRate, "G")} ({opt.Schedule}){clip}; stop after {string.Join(" or ", budgets)}{PlateauText(o.Fit)}; seed {o.Seed}");
        Console.WriteLine($"run directory: {trainer.RunDirectory.Path}");
    }

    /// <summary>"90", "90s", "1.5m", "10m", "1h30m", "2h" or "00:10:00" → seconds.</summary>
    internal static double ParseDuration(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        if (TimeSpan.TryParseExact(s, [@"h\:mm\:ss", @"hh\:mm\:ss", @"m\:ss"], CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
            return span.TotalSeconds;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain) && plain > 0 && double.IsFinite(plain))
            return plain;
        var parts = DurationPart().Matches(s);
        if (parts.Count > 0 && string.Concat(parts.Select(p => p.Value)) == s)
        {
            double total = 0;
            foreach (Match p in parts)
            {
                double v = double.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture);
                total += p.Groups[2].Value switch { "h" => 3600 * v, "m" or "min" => 60 * v, "ms" => v / 1000, _ => v };
            }
            if (total > 0 && double.IsFinite(total)) return total;
        }
        throw new UserFacingException($"--time '{text}' is not a positive duration; write it like 90s, 10m, 1h30m or 00:10:00.");
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|min|ms|m|s)")]
    private static partial Regex DurationPart();

    /// <summary>Runs <paramref name="action"/>, turning a library ArgumentException about an option into a one-line message with the flag's name.</summary>
    internal static T Map<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e) when (e.ParamName is string name && Flags.FlagOf.TryGetValue(name, out string? flag))
        {
            string message = e.Message;
            int suffix = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
            if (suffix >= 0) message = message[..suffix];
            if (message.StartsWith(name, StringComparison.Ordinal)) message = flag + message[name.Length..];
            throw new UserFacingException(message);
        }
    }

    internal static void Map(Action action) => Map(() => { action(); return 0; });

    internal static string DefaultRunDirectory()
    {
        string baseName = Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        string name = baseName;
        for (int i = 2; new RunDirectory(name).HoldsRun || Directory.Exists(name); i++) name = $"{baseName}-{i}";
        return name;
    }
}
