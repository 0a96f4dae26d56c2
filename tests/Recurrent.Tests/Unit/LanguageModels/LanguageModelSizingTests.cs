// The self-sizing defaults: the rule (widest model with ≥ TokensPerParameter tokens per parameter), what a time
// budget measures and a step budget does not, settings the user fixed, the dropout rule and the schedule applied.
using Recurrent.LanguageModels;
using Recurrent.Models;
using Recurrent.Training;
using Xunit;

namespace Recurrent.Tests.Unit.LanguageModels;

public class LanguageModelSizingTests
{
    private static readonly LanguageModelOptions Options = new();

    // A machine that trains a fixed number of parameter-tokens per second: tokens/s = rate / parameters.
    private static Func<ModelConfig, int, int, double> Machine(double rate, List<int>? measured = null) => (config, _, _) =>
    {
        measured?.Add(config.HiddenSize);
        return rate / LanguageModelSizing.Parameters(config);
    };

    private static long ParametersAt(int hidden, int vocabulary = 65) =>
        LanguageModelSizing.Parameters((Options with { HiddenSize = hidden }).ModelConfig(vocabulary));

    [Fact]
    public void A_time_budget_picks_the_widest_model_that_sees_enough_tokens_per_parameter()
    {
        // tokens(H) = rate·seconds·share / P(H); the rule holds while that ≥ R·P(H), i.e. P(H)² ≤ rate·seconds·share / R.
        double rate = 2.5e10, seconds = 600;
        var measured = new List<int>();
        var choice = LanguageModelSizing.Choose(Options, new SizingRequest { TrainingTokens = 1_000_000, Vocabulary = 65, TimeSeconds = seconds },
            Machine(rate, measured));
        double budget = rate * seconds * LanguageModelSizing.TrainingShare / LanguageModelSizing.TokensPerParameter;
        int expected = LanguageModelSizing.CandidateWidths.Last(h => (double)ParametersAt(h) * ParametersAt(h) <= budget);
        Assert.Equal(expected, choice.HiddenSize);
        // Measured narrowest first, stopping at the first width that fails.
        int next = LanguageModelSizing.CandidateWidths.First(h => h > expected);
        Assert.Equal(LanguageModelSizing.CandidateWidths.TakeWhile(h => h <= next).ToArray(), measured.ToArray());
        Assert.Equal(rate / ParametersAt(expected), choice.TokensPerSecond!.Value, 6);
        Assert.Equal((long)(choice.Tokens / (32.0 * 128)), choice.Updates);
        Assert.Contains("hidden", choice.Chosen);
    }

    [Fact]
    public void A_faster_machine_or_a_longer_budget_buys_a_wider_model()
    {
        var request = new SizingRequest { TrainingTokens = 1_000_000, Vocabulary = 65, TimeSeconds = 120 };
        int slow = LanguageModelSizing.Choose(Options, request, Machine(2.5e10)).HiddenSize;
        int longer = LanguageModelSizing.Choose(Options, request with { TimeSeconds = 2400 }, Machine(2.5e10)).HiddenSize;
        int faster = LanguageModelSizing.Choose(Options, request, Machine(5e11)).HiddenSize;
        Assert.True(longer > slow, $"{longer} vs {slow}");
        Assert.True(faster > slow, $"{faster} vs {slow}");
    }

    [Fact]
    public void A_step_budget_needs_no_timing_and_sizes_by_tokens_alone()
    {
        var measured = new List<int>();
        var choice = LanguageModelSizing.Choose(Options, new SizingRequest { TrainingTokens = 1_000_000, Vocabulary = 65, Steps = 2000 },
            Machine(1e10, measured));
        Assert.Empty(measured);
        Assert.Null(choice.TokensPerSecond);
        double tokens = 2000.0 * 32 * 128;
        Assert.Equal(tokens, choice.Tokens);
        int expected = LanguageModelSizing.CandidateWidths.Last(h => ParametersAt(h) * LanguageModelSizing.TokensPerParameter <= tokens);
        Assert.Equal(expected, choice.HiddenSize);
        Assert.Equal(2000, choice.Updates);
    }

    [Fact]
    public void Settings_the_user_gave_are_kept_and_not_listed_as_chosen()
    {
        var choice = LanguageModelSizing.Choose(Options, new SizingRequest
        {
            TrainingTokens = 1_000_000, Vocabulary = 65, Epochs = 3, HiddenSize = 300, Layers = 3, BatchSize = 16,
            SequenceLength = 50, LearningRate = 1e-3,
        }, Machine(1e10));
        Assert.Equal((300, 3, 16, 50, 1e-3), (choice.HiddenSize, choice.Layers, choice.BatchSize, choice.SequenceLength, choice.LearningRate));
        Assert.Equal(["dropout"], choice.Chosen);
        Assert.Equal(3.0, choice.Epochs, 9);
    }

    [Fact]
    public void A_small_corpus_gets_the_short_window_and_the_narrowest_width_when_nothing_fits_the_rule()
    {
        var choice = LanguageModelSizing.Choose(Options, new SizingRequest { TrainingTokens = 20_000, Vocabulary = 65, Steps = 10 }, Machine(1e10));
        Assert.Equal(LanguageModelSizing.ShortWindow, choice.SequenceLength);
        Assert.Equal(LanguageModelSizing.CandidateWidths[0], choice.HiddenSize);
        Assert.Contains("narrowest", choice.Reason);
    }

    [Theory]
    [InlineData(1_000_000, 1_000_000, 1.5, 0.0)]   // at most two passes: no dropout
    [InlineData(1_000_000, 1_000_000, 5, 0.1)]     // as many parameters as tokens
    [InlineData(3_000_000, 1_000_000, 5, 0.3)]     // three times as many
    [InlineData(100_000, 1_000_000, 20, 0.0)]      // a small model of a large corpus
    [InlineData(100_000_000, 1_000_000, 20, 0.4)]  // capped
    public void Dropout_grows_with_parameters_per_training_token(long parameters, long tokens, double epochs, double expected) =>
        Assert.Equal(expected, LanguageModelSizing.DropoutFor(parameters, tokens, epochs), 9);

    [Fact]
    public void Apply_sets_the_choice_and_a_cosine_decay_over_the_updates_unless_a_schedule_was_given()
    {
        var choice = LanguageModelSizing.Choose(Options, new SizingRequest { TrainingTokens = 1_000_000, Vocabulary = 65, Steps = 3000 }, Machine(1e10));
        var sized = LanguageModelSizing.Apply(Options, choice, scheduleGiven: false);
        Assert.Equal((choice.HiddenSize, choice.Dropout, choice.SequenceLength), (sized.HiddenSize, sized.Dropout, sized.SequenceLength));
        Assert.Equal(LearningRateScheduleKind.Cosine, sized.Optimization.Schedule);
        Assert.Equal(3000, sized.Optimization.ScheduleSteps);
        Assert.Equal(30, sized.Optimization.WarmupSteps);
        Assert.Equal(choice.LearningRate / 20, sized.Optimization.MinLearningRate, 12);
        (sized with { Fit = sized.Fit with { Steps = 3000 } }).Validate();

        var kept = LanguageModelSizing.Apply(Options, choice, scheduleGiven: true);
        Assert.Equal(Options.Optimization.Schedule, kept.Optimization.Schedule);
        Assert.Null(kept.Optimization.ScheduleSteps);
    }

    [Fact]
    public void The_line_says_what_was_chosen_and_why()
    {
        var choice = LanguageModelSizing.Choose(Options, new SizingRequest { TrainingTokens = 1_000_000, Vocabulary = 65, TimeSeconds = 600 }, Machine(2.5e10));
        string line = choice.Describe();
        Assert.Contains($"2×{choice.HiddenSize}", line);
        Assert.Contains("tokens/s measured", line);
        Assert.Contains("tokens per parameter", line);
        Assert.Contains("docs/scaling.md", line);
    }

    [Fact]
    public void Measuring_a_model_gives_a_positive_rate()
    {
        var config = (Options with { HiddenSize = 32, EmbeddingSize = 8 }).ModelConfig(20);
        double rate = LanguageModelSizing.MeasureTokensPerSecond(config, batch: 4, window: 8, minSeconds: 0.01);
        Assert.True(rate > 0 && double.IsFinite(rate), $"{rate}");
    }
}
