// Data parallelism through the gradient-reduction hook (IGradientReducer on the StepEngine), with two "ranks" as two
// threads of this process (ThreadedReducer): a language-model run and a padded classification fit on two ranks end
// with the weights of one process trained on the same global batches (to float-summation tolerance; the largest
// difference is printed), the split validation loss equals the whole one, rank 1 writes no file, and a batch that
// does not divide over the ranks is refused by name; a two-rank checkpoint resumes exactly on two ranks and continues in one process.
// Forecasting (MSE and the pinball loss) and seq2seq (without and with attention) on two ranks also end with the weights of
// one process, with a short last batch that leaves rank 1 empty. With dropout (every AWD-LSTM kind for the language model,
// element-wise and locked between the layers of a padded classifier, whose last batch of 1 leaves rank 0 empty) each rank's
// masks are its rows of the one process's, and the weights again end as one process's. An image captioner with Luong
// attention and learned region positions (CaptionRun, captions of different lengths) on two ranks ends with the weights
// of one process, and its rank 1 writes no run directory. The MPI end-to-end test is EndToEnd/Cli/DistributedCliTests.
using System.Globalization;
using Recurrent.Captioning;
using Recurrent.Data;
using Recurrent.Forecasting;
using Recurrent.LanguageModels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Schedules;
using Recurrent.Seq2Seq;
using Recurrent.Supervised;
using Recurrent.Tests.Captioning;
using Recurrent.Tests.Data;
using Recurrent.Tests.LanguageModels;
using Recurrent.Tests.Seq2Seq;
using Recurrent.Tests.Support;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Training;

public sealed class DistributedTrainingTests(ITestOutputHelper output)
{
    private static LanguageModelOptions LmOptions()
    {
        var tiny = LanguageModelTestSupport.TinyOptions(20);
        // No dropout here (the dropout tests below add it).
        return tiny with { Dropout = 0, Fit = tiny.Fit with { Steps = 20, Epochs = null, EvalEvery = 10 }, SampleEvery = 0 };
    }

    [Fact]
    public void A_language_model_on_two_ranks_ends_with_the_weights_of_one_process()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000))] };
        using var data = spec.Load();
        var single = LanguageModelRun.Start(LmOptions(), data, Path.Combine(dir.Path, "single"), spec);
        var singleOutcome = single.Run();

        string parallelRun = Path.Combine(dir.Path, "parallel");
        var ranks = ThreadedReducer.Run(2, reducer =>
        {
            var run = LanguageModelRun.Start(LmOptions(), data, parallelRun + (reducer.Rank == 0 ? "" : "-rank1"), spec, reducer: reducer);
            return (Run: run, Outcome: run.Run());
        });

        Assert.Equal(20, singleOutcome.Step);
        double largest = 0;
        foreach (var (run, outcome) in ranks)
        {
            Assert.Equal(20, outcome.Step);
            largest = Math.Max(largest, LargestDifference(single.Model.Parameters.Values, run.Model.Parameters.Values));
            // Validation split over the ranks and summed: the single process's loss.
            Assert.Equal(singleOutcome.Validation!.Loss!.Value, outcome.Validation!.Loss!.Value, 1e-5);
        }
        output.WriteLine($"largest |Δw| between 2 ranks and 1 process after 20 updates: {largest:E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
        // Both ranks hold bit-identical weights: the sums are the same on every rank.
        Assert.Equal(ranks[0].Run.Model.Parameters.Values.ToArray(), ranks[1].Run.Model.Parameters.Values.ToArray());
        Assert.True(File.Exists(Path.Combine(parallelRun, RunDirectory.LastFile)));
        Assert.False(Directory.Exists(parallelRun + "-rank1"));  // rank 1 writes nothing
        Assert.Null(ranks[1].Run.Checkpoints);
    }

    [Fact]
    public void A_two_rank_checkpoint_resumes_exactly_on_two_ranks_and_in_one_process()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000))] };
        using var data = spec.Load();
        var half = LmOptions() with { Fit = LmOptions().Fit with { Steps = 10 } };
        float[][] Parallel(Func<ThreadedReducer, LanguageModelRun> start) =>
            ThreadedReducer.Run(2, reducer => { var run = start(reducer); run.Run(); return run.Model.Parameters.Values.ToArray(); });
        string Dir(string name, ThreadedReducer r) => Path.Combine(dir.Path, name + (r.Rank == 0 ? "" : "-rank1"));

        var straight = Parallel(r => LanguageModelRun.Start(LmOptions(), data, Dir("straight", r), spec, reducer: r));
        Parallel(r => LanguageModelRun.Start(half, data, Dir("stopped", r), spec, reducer: r));
        // The one-process resume continues a copy: the two-rank resume writes over the run directory's checkpoint.
        Directory.CreateDirectory(Path.Combine(dir.Path, "copy"));
        foreach (string file in Directory.GetFiles(Path.Combine(dir.Path, "stopped")))
            File.Copy(file, Path.Combine(dir.Path, "copy", Path.GetFileName(file)));
        string checkpoint = Path.Combine(dir.Path, "stopped", RunDirectory.LastFile);
        var resumed = Parallel(r => LanguageModelRun.Resume(LanguageModelFile.LoadCheckpoint(checkpoint), data, Dir("stopped", r), LmOptions(), r));
        var alone = LanguageModelRun.Resume(LanguageModelFile.LoadCheckpoint(Path.Combine(dir.Path, "copy", RunDirectory.LastFile)), data,
            Path.Combine(dir.Path, "copy"), LmOptions());
        Assert.Equal(10, alone.Loop.Step);
        Assert.Equal(10, alone.Run().StepsThisSession);

        // On the same two ranks the resumed run is the uninterrupted one, bit for bit: the checkpoint holds every
        // stream's carried state, gathered from both ranks.
        Assert.Equal(straight[0], resumed[0]);
        Assert.Equal(straight[1], resumed[1]);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "stopped-rank1")));
        // In one process it continues the same run, to summation tolerance.
        double largest = LargestDifference(straight[0], alone.Model.Parameters.Values);
        output.WriteLine($"largest |Δw|, 2-rank checkpoint resumed in 1 process vs 2 ranks throughout: {largest:E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
    }

    [Fact]
    public void A_padded_classifier_on_two_ranks_ends_with_the_weights_of_one_process()
    {
        // 23 examples of lengths 2..12 in batches of 6: the ranks count different numbers of targets in a batch, and
        // the last batch of 5 splits 2 + 3.
        var rng = new Recurrent.Randomness.Rng(5);
        var examples = Enumerable.Range(0, 23).Select(i =>
        {
            int length = 2 + rng.NextInt(11);
            int[] tokens = [.. Enumerable.Range(0, length).Select(_ => rng.NextInt(9))];
            return SequenceExample.OfTokens(tokens, [tokens.Count(t => t < 4) % 3], i + 1);
        }).ToList();
        float[] Fit(IGradientReducer? reducer)
        {
            var model = new SequenceModel<float>(new ModelConfig
            {
                Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 6, Cell = CellKind.Gru, HiddenSize = 10, Layers = 1,
                Head = HeadKind.LastStep, OutputSize = 3,
            }, 3);
            var engine = new StepEngine<float>(model.Parameters, new Adam<float>(model.Parameters.Count),
                new ConstantSchedule(1e-2), new TrainerOptions { ClipNorm = 1 }, reducer);
            var batches = new LabelledBatches(model, engine, examples, 6, 11);
            new FitLoop(model, engine, batches, new FitOptions { Epochs = 3 }).Run();
            return model.Parameters.Values.ToArray();
        }

        float[] one = Fit(null);
        var two = ThreadedReducer.Run(2, reducer => Fit(reducer));

        double largest = Math.Max(LargestDifference(one, two[0]), LargestDifference(one, two[1]));
        output.WriteLine($"largest |Δw| between 2 ranks and 1 process after 12 updates: {largest:E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
        Assert.Equal(two[0], two[1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_forecaster_on_two_ranks_ends_with_the_weights_of_one_process(bool quantiles)
    {
        using var dir = new TempDirectory();
        string csv = dir.File("series.csv", "t,value,other\n" + string.Concat(Enumerable.Range(0, 159).Select(t =>
            string.Create(CultureInfo.InvariantCulture, $"{t},{10 + 3 * Math.Sin(0.25 * t):R},{Math.Cos(0.1 * t) + t % 3:R}\n"))));
        var options = new ForecastOptions
        {
            Window = 12, Horizon = 3, BatchSize = 8, ValidationFraction = 0.2, Seed = 7,
            Quantiles = quantiles ? [0.1, 0.5, 0.9] : null,
            Optimization = new ForecastOptions().Optimization with { LearningRate = 0.01, ClipNorm = 1 },
            Fit = new FitOptions { Epochs = 2, EvalEvery = 5 },
        };
        // Each rank reads the series itself, as the processes of a real job do (a series' window buffers are its own).
        ForecastSeries Read() => ForecastSeries.FromTable(TimeSeriesTable.Read(csv), ["value", "other"], ["value"], options);
        var series = Read();
        (float[] Weights, FitOutcome Outcome) Fit(IGradientReducer? reducer)
        {
            var own = Read();
            var forecaster = Forecaster.Create(own, new ForecastModelSettings { HiddenSize = 8 }, 7);
            var fit = forecaster.CreateFit(own, options, reducer);
            var outcome = fit.Loop.Run();
            return (forecaster.Model.Parameters.Values.ToArray(), outcome);
        }

        var one = Fit(null);
        var two = ThreadedReducer.Run(2, reducer => Fit(reducer));

        // The last batch of the epoch holds 1 window: rank 1 trains nothing there and still joins the sums.
        Assert.Equal(1, series.Train.Count % 8);
        Assert.Equal(one.Outcome.Step, two[0].Outcome.Step);
        double largest = Math.Max(LargestDifference(one.Weights, two[0].Weights), LargestDifference(one.Weights, two[1].Weights));
        output.WriteLine($"forecast ({(quantiles ? "pinball loss, 3 quantiles" : "MSE")}): largest |Δw| between 2 ranks and 1 process after {one.Outcome.Step} updates: {largest:E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
        Assert.Equal(two[0].Weights, two[1].Weights);
        // Every rank evaluates the whole validation set: the same numbers as one process, to summation tolerance.
        Assert.Equal(one.Outcome.Validation!.Loss!.Value, two[1].Outcome.Validation!.Loss!.Value, 1e-5);
    }

    [Theory]
    [InlineData(AttentionKind.None)]
    [InlineData(AttentionKind.Bahdanau)]
    public void A_seq2seq_model_on_two_ranks_ends_with_the_weights_of_one_process(AttentionKind attention)
    {
        // 49 pairs of targets of 1..5 characters in batches of 8: the ranks count different numbers of target tokens
        // and their decoders run for different lengths, and the last batch of 1 leaves rank 1 empty.
        var pairs = Seq2SeqRunTests.ReversedWords(3, 49);
        var validation = Seq2SeqRunTests.ReversedWords(4, 10);
        var options = new Seq2SeqTrainingOptions
        {
            Model = new Seq2SeqSettings { HiddenSize = 12, EmbeddingSize = 6, Attention = attention },
            BatchSize = 8,
            Optimization = new OptimizationOptions { LearningRate = 0.01, ClipNorm = 1 },
            Fit = new FitOptions { Epochs = 2 },
            Seed = 5,
        };
        (float[] Weights, FitOutcome Outcome) Fit(IGradientReducer? reducer)
        {
            var (model, vocabulary) = Seq2SeqTraining.CreateModel(pairs, validation, options);
            var fit = Seq2SeqTraining.CreateFit(model, vocabulary, pairs, validation, options, reducer);
            var outcome = fit.Loop.Run();
            return (model.Parameters.Values.ToArray(), outcome);
        }

        var one = Fit(null);
        var two = ThreadedReducer.Run(2, reducer => Fit(reducer));

        Assert.Equal(14, one.Outcome.Step);
        Assert.Equal(14, two[1].Outcome.Step);
        double largest = Math.Max(LargestDifference(one.Weights, two[0].Weights), LargestDifference(one.Weights, two[1].Weights));
        output.WriteLine($"seq2seq ({attention}): largest |Δw| between 2 ranks and 1 process after 14 updates: {largest:E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
        Assert.Equal(two[0].Weights, two[1].Weights);
        Assert.Equal(one.Outcome.Validation!.Loss!.Value, two[1].Outcome.Validation!.Loss!.Value, 1e-5);
    }

    [Fact]
    public void A_captioner_with_attention_and_region_positions_on_two_ranks_ends_with_the_weights_of_one_process()
    {
        // 3×3-grid scenes; every third image also has a shorter caption, so the ranks count different numbers of target
        // tokens and their decoders run for different lengths. 33 training images (the split is by image) in batches of 8.
        var images = CaptionRunTests.GridScenes(44, 11).Select((image, i) => i % 3 == 0
            ? image with { Captions = [.. image.Captions, "a shape"] } : image).ToList();
        var options = new CaptionOptions
        {
            EmbeddingSize = 8, HiddenSize = 12, Attention = AttentionKind.Luong, MaxLength = 10, BatchSize = 8,
            Optimization = new OptimizationOptions { LearningRate = 0.01, ClipNorm = 1 },
            Fit = new FitOptions { Epochs = 2 }, ValidationFraction = 0.25, Seed = 6,
        };
        Assert.Equal(RegionPositionKind.PerRegion, options.RegionPositions);
        using var dir = new TempDirectory();
        (float[] Weights, FitOutcome Outcome, int Pairs) Fit(string runDirectory, IGradientReducer? reducer)
        {
            var run = CaptionRun.Start(options, images, new CaptionDataSpec { Features = "synthetic" }, runDirectory, reducer: reducer);
            Assert.Equal(RegionPositionKind.PerRegion, run.Model.Config.RegionPositions);
            var outcome = run.Run();
            return (run.Model.Parameters.Values.ToArray(), outcome, run.TrainCount);
        }

        var one = Fit(Path.Combine(dir.Path, "one"), null);
        var two = ThreadedReducer.Run(2, reducer => Fit(Path.Combine(dir.Path, $"rank{reducer.Rank}"), reducer));

        long updates = 2 * ((one.Pairs + 7) / 8);
        Assert.True(one.Pairs > 33, $"{one.Pairs} pairs: no training image has a second caption");
        Assert.Equal(updates, one.Outcome.Step);
        Assert.Equal(updates, two[1].Outcome.Step);
        double largest = Math.Max(LargestDifference(one.Weights, two[0].Weights), LargestDifference(one.Weights, two[1].Weights));
        output.WriteLine($"captioner (Luong attention, region positions): largest |Δw| between 2 ranks and 1 process after {updates} updates ({one.Pairs} pairs): {largest:E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
        Assert.Equal(two[0].Weights, two[1].Weights);
        Assert.Equal(one.Outcome.Validation!.Loss!.Value, two[1].Outcome.Validation!.Loss!.Value, 1e-5);
        Assert.True(File.Exists(Path.Combine(dir.Path, "rank0", RunDirectory.LastFile)));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "rank1")), "rank 1 wrote a run directory");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_language_model_with_dropout_on_two_ranks_ends_with_the_weights_of_one_process(bool locked)
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000))] };
        using var data = spec.Load();
        var options = LmOptions() with
        {
            Dropout = 0.3, LockedDropout = locked, InputDropout = 0.2, OutputDropout = 0.25, EmbeddingDropout = 0.1, WeightDrop = 0.2,
        };
        float[] Weights(LanguageModelRun run) => run.Model.Parameters.Values.ToArray();
        var single = LanguageModelRun.Start(options, data, Path.Combine(dir.Path, "single"), spec);
        single.Run();
        var without = LanguageModelRun.Start(LmOptions(), data, Path.Combine(dir.Path, "without"), spec);
        without.Run();
        var ranks = ThreadedReducer.Run(2, reducer =>
        {
            var run = LanguageModelRun.Start(options, data, Path.Combine(dir.Path, "parallel" + reducer.Rank), spec, reducer: reducer);
            run.Run();
            return (Weights: Weights(run), Rng: run.Model.DropoutRng.State);
        });

        double largest = Math.Max(LargestDifference(Weights(single), ranks[0].Weights), LargestDifference(Weights(single), ranks[1].Weights));
        output.WriteLine($"language model with dropout ({(locked ? "locked" : "element-wise")} between layers, input, output, embedding, weight drop): " +
            $"largest |Δw| between 2 ranks and 1 process after 20 updates: {largest:E2}; without dropout the weights differ by {LargestDifference(Weights(single), Weights(without)):E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
        Assert.True(LargestDifference(Weights(single), Weights(without)) > 1e-3, "dropout changed nothing: the test would not see wrong masks");
        Assert.Equal(ranks[0].Weights, ranks[1].Weights);
        // Every rank drew the whole batch's masks: the generators are where the one process's is.
        Assert.Equal(single.Model.DropoutRng.State, ranks[0].Rng);
        Assert.Equal(single.Model.DropoutRng.State, ranks[1].Rng);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_padded_classifier_with_dropout_on_two_ranks_ends_with_the_weights_of_one_process(bool locked)
    {
        // 25 examples of lengths 2..12 in batches of 6: shares of different padded lengths, and a last batch of 1 that
        // leaves rank 0 without a forward (so without its dropout draws).
        var rng = new Recurrent.Randomness.Rng(5);
        var examples = Enumerable.Range(0, 25).Select(i =>
        {
            int length = 2 + rng.NextInt(11);
            int[] tokens = [.. Enumerable.Range(0, length).Select(_ => rng.NextInt(9))];
            return SequenceExample.OfTokens(tokens, [tokens.Count(t => t < 4) % 3], i + 1);
        }).ToList();
        (float[] Weights, (ulong, ulong, ulong, ulong) Rng) Fit(IGradientReducer? reducer, double dropout)
        {
            var model = new SequenceModel<float>(new ModelConfig
            {
                Input = InputKind.Embedding, InputSize = 9, EmbeddingSize = 6, Cell = CellKind.Lstm, HiddenSize = 10, Layers = 3,
                Dropout = dropout, LockedDropout = locked, OutputDropout = dropout, Head = HeadKind.LastStep, OutputSize = 3,
            }, 3);
            var engine = new StepEngine<float>(model.Parameters, new Adam<float>(model.Parameters.Count),
                new ConstantSchedule(1e-2), new TrainerOptions { ClipNorm = 1 }, reducer);
            var batches = new LabelledBatches(model, engine, examples, 6, 11);
            new FitLoop(model, engine, batches, new FitOptions { Epochs = 3 }).Run();
            return (model.Parameters.Values.ToArray(), model.DropoutRng.State);
        }

        var one = Fit(null, 0.3);
        var two = ThreadedReducer.Run(2, reducer => Fit(reducer, 0.3));
        var without = Fit(null, 0);

        double largest = Math.Max(LargestDifference(one.Weights, two[0].Weights), LargestDifference(one.Weights, two[1].Weights));
        output.WriteLine($"padded classifier with dropout ({(locked ? "locked" : "element-wise")} between 3 layers, locked on the output): " +
            $"largest |Δw| between 2 ranks and 1 process after 15 updates: {largest:E2}; without dropout the weights differ by {LargestDifference(one.Weights, without.Weights):E2}");
        Assert.True(largest < 1e-5, $"largest difference {largest:E2}");
        Assert.True(LargestDifference(one.Weights, without.Weights) > 1e-3, "dropout changed nothing: the test would not see wrong masks");
        Assert.Equal(two[0].Weights, two[1].Weights);
        Assert.Equal(one.Rng, two[0].Rng);
        Assert.Equal(one.Rng, two[1].Rng);
    }

    [Fact]
    public void A_batch_that_does_not_divide_over_the_ranks_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000))] };
        using var data = spec.Load();
        var errors = ThreadedReducer.Run(2, reducer => Assert.Throws<ArgumentException>(() =>
            LanguageModelRun.Start(LmOptions() with { BatchSize = 5 }, data, Path.Combine(dir.Path, $"run{reducer.Rank}"), spec, reducer: reducer)));
        Assert.All(errors, e =>
        {
            Assert.Equal(nameof(LanguageModelOptions.BatchSize), e.ParamName);
            Assert.Contains("BatchSize 5 cannot be split evenly over 2 processes", e.Message);
        });
    }

    [Fact]
    public void Ranks_that_start_from_different_weights_are_stopped_on_every_rank()
    {
        using var dir = new TempDirectory();
        var spec = new TrainingDataSpec { Data = [dir.File("corpus.txt", LanguageModelTestSupport.Corpus(3000))] };
        using var data = spec.Load();
        var errors = ThreadedReducer.Run(2, reducer => Assert.Throws<InvalidOperationException>(() =>
            LanguageModelRun.Start(LmOptions() with { Seed = 1 + (ulong)reducer.Rank }, data, Path.Combine(dir.Path, $"run{reducer.Rank}"), spec,
                reducer: reducer).Run()));
        Assert.All(errors, e => Assert.Contains("2 processes of this data-parallel run hold different weights at the start", e.Message));
    }

    private static double LargestDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double largest = 0;
        for (int i = 0; i < a.Length; i++) largest = Math.Max(largest, Math.Abs((double)a[i] - b[i]));
        return largest;
    }
}
