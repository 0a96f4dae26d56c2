// ForecastRun: one forecasting training run in a run directory, assembled on the fit loop — the series read
// (strictly, in the spec's encoding), standardised and split by the spec, the forecaster built for it (or loaded
// from the checkpoint when resuming), and the callbacks that write the run directory: metrics.jsonl (with val_mse
// and val_mae in the series' units) and last/best checkpoints that are at the same time ordinary forecasting model
// files (`rnn predict`, `rnn eval`, `rnn export` read them) and hold the whole fit state and optimizer moments.
// Start begins a run; Resume continues one exactly.
// Data parallelism (Start or Resume with a reducer): each batch is split over the ranks (ForecastWindows) and their
// gradients summed; every rank evaluates the whole validation set (the same result everywhere); only rank 0 writes files.
using System.Text;
using Recurrent.Data;
using Recurrent.Serialization;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.Forecasting;

/// <summary>A forecasting run: its forecaster, fit loop and files.</summary>
public sealed class ForecastRun
{
    private ForecastRun(ForecastRunSpec spec, Forecaster forecaster, ForecastSeries series, ForecastFit fit, RunDirectory run, bool writes)
    {
        Spec = spec;
        Forecaster = forecaster;
        Series = series;
        Loop = fit.Loop;
        RunDirectory = run;
        TrainWindows = fit.TrainWindows;
        ValidationWindows = fit.ValidationWindows;
        var optimizer = fit.Optimizer;
        if (!writes) return; // a data-parallel rank other than 0
        var metadata = ForecastFile.Metadata(forecaster);
        var model = forecaster.Model;
        Checkpoints = RunFiles.Attach(Loop, run, spec.ToJsonNode(), (path, state) =>
            ModelFile.Write(path, model.Config, model.Parameters, metadata, tokenizerJson: null, state.ToJson(), optimizer));
    }

    /// <summary>What the run is (for a new cosine run, with the schedule's length filled in).</summary>
    public ForecastRunSpec Spec { get; }
    /// <summary>The forecaster being trained.</summary>
    public Forecaster Forecaster { get; }
    /// <summary>The series it is trained on.</summary>
    public ForecastSeries Series { get; }
    /// <summary>The training loop; add callbacks to follow the run.</summary>
    public FitLoop Loop { get; }
    /// <summary>Where checkpoints and metrics go.</summary>
    public RunDirectory RunDirectory { get; }
    /// <summary>The checkpoint writer; null on a data-parallel rank other than 0.</summary>
    public CheckpointWriter? Checkpoints { get; }
    /// <summary>Training windows.</summary>
    public int TrainWindows { get; }
    /// <summary>Validation windows.</summary>
    public int ValidationWindows { get; }

    /// <summary>
    /// Starts a new run of <paramref name="spec"/> in <paramref name="runDirectory"/> (created; it must not hold a run).
    /// Throws InvalidDataException/CorpusException for bad data (naming file and line), ArgumentException for
    /// unknown columns, impossible options, a series too short for the window or a model too large for this
    /// machine, IOException for an unusable run directory. Nothing is written before the data and options are checked.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="reducer"/>, this process is one rank of a data-parallel job: every rank calls Start alike,
    /// the batch size must be a multiple of the ranks, and only rank 0 writes <paramref name="runDirectory"/>.
    /// </remarks>
    public static ForecastRun Start(ForecastRunSpec spec, string runDirectory, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(runDirectory);
        spec.Model.Validate();
        spec.Training.Validate();
        spec = spec with { Data = spec.Data with { Path = Path.GetFullPath(spec.Data.Path) } };
        bool writes = reducer is not { Rank: not 0 };
        var run = new RunDirectory(runDirectory);
        if (writes && run.HoldsRun) run.PrepareNew(); // throws, naming --resume
        Forecaster forecaster;
        ForecastSeries series;
        if (spec.InitFrom is string init)
        {
            // Fine-tuning: the loaded forecaster's columns, window, horizon, standardisation and architecture.
            forecaster = ForecastFile.Load(init);
            var f = forecaster.Spec;
            var c = forecaster.Model.Config;
            spec = spec with
            {
                Model = spec.Model with { Cell = c.Cell, HiddenSize = c.HiddenSize, Layers = c.Layers, Activation = c.Activation, GateActivation = c.GateActivation,
                    ForgetGateBias = c.ForgetGateBias == Models.ModelConfig.DefaultForgetGateBias ? null : c.ForgetGateBias },
                Training = spec.Training with
                {
                    Window = f.Window, Horizon = f.Horizon, Normalize = f.Normalize, Difference = f.Difference, SeasonDifference = f.SeasonDifference,
                    Season = f.Season, Quantiles = f.Quantiles,
                },
                Data = spec.Data with
                {
                    Inputs = f.Inputs.Select(x => x.Label).ToArray(), Targets = f.Targets.Select(x => x.Label).ToArray(),
                    Known = f.Known?.Select(x => x.Label).ToArray(), TimeColumn = f.Calendar?.Column, SeriesColumn = f.SeriesColumn,
                },
            };
            series = ReadSeries(spec, f);
        }
        else
        {
            series = ReadSeries(spec);
            forecaster = Forecaster.Create(series, spec.Model, spec.Training.Seed, memoryCheck: spec.Training);
        }
        ForecastFit fit = forecaster.CreateFit(series, spec.Training, reducer);
        if (writes) run.PrepareNew();
        // The cosine schedule's length is fixed at the start, so a resume with other budgets keeps the same schedule.
        spec = spec with { Training = spec.Training with { Optimization = spec.Training.Optimization.WithPlannedSchedule(spec.Training.Fit, fit.Loop.BatchesPerEpoch) } };
        return new ForecastRun(spec, forecaster, series, fit, run, writes);
    }

    /// <summary>
    /// Continues the run whose last checkpoint is <paramref name="checkpointPath"/> exactly where it stopped, rereading
    /// its series (which must not have changed). <paramref name="runControls"/>, when given, replaces the budgets and
    /// intervals; nothing else changes. With a <paramref name="reducer"/>, every rank of a data-parallel job resumes
    /// from the same checkpoint (nothing of the batches is per rank) and only rank 0 writes.
    /// </summary>
    public static ForecastRun Resume(string checkpointPath, FitOptions? runControls = null, IGradientReducer? reducer = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointPath);
        string full = Path.GetFullPath(checkpointPath);
        ModelFileContent content = ModelFile.Read(full);
        FitState state = FitState.FromJson(content.Training
            ?? throw new InvalidDataException($"'{full}' holds a model but no training state, so it cannot be resumed."), full);
        ForecastRunSpec spec = ForecastRunSpec.FromJsonNode(state.Run, full);
        if (runControls is not null)
        {
            spec = spec with { Training = spec.Training with { Fit = runControls } };
            spec.Training.Validate();
        }
        Forecaster forecaster = ForecastFile.Load(full);
        if (Forecaster.ConfigFor(forecaster.Spec, spec.Model) != forecaster.Model.Config)
            throw new InvalidDataException($"'{full}': its model configuration does not match its training options.");
        ForecastSeries series = ReadSeries(spec, spec.InitFrom is null ? null : forecaster.Spec);
        if (series.Spec.ToJson() != forecaster.Spec.ToJson())
            throw new InvalidDataException($"'{spec.Data.Path}' is not the series the run in '{full}' was trained on (its rows, columns or values " +
                "have changed); an exact resume needs the same data. Start a new run instead.");
        ForecastFit fit = forecaster.CreateFit(series, spec.Training, reducer);
        ModelFile.LoadOptimizer(fit.Optimizer, content, full);
        var run = new RunDirectory(Path.GetDirectoryName(full)!);
        bool writes = reducer is not { Rank: not 0 };
        if (writes) run.PrepareResume(state.Step);
        var resumed = new ForecastRun(spec, forecaster, series, fit, run, writes);
        resumed.Loop.Restore(state, full);
        return resumed;
    }

    /// <summary>Trains until a budget, early stopping or cancellation; see <see cref="FitLoop.Run"/>.</summary>
    public FitOutcome Run(CancellationToken cancellation = default) => Loop.Run(cancellation);

    private static ForecastSeries ReadSeries(ForecastRunSpec spec, ForecastSpec? standardisation = null)
    {
        Encoding? encoding = spec.Data.Encoding is null ? null : TextEncodings.Get(spec.Data.Encoding);
        var table = TimeSeriesTable.Read(spec.Data.Path, encoding);
        return ForecastSeries.FromTable(table, spec.Data, spec.Training, standardisation);
    }
}
