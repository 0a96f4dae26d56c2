// TrainCommand.Tasks: the flags only some kinds of model use (TaskFlags: --task forecast's window, horizon and
// columns, --task seq2seq's source reversal and output length, --task classify's numbers per step of a numeric
// file, --task caption's images, captions and word count), and RejectOthers, with which every kind refuses
// the flags of the others. The kinds themselves: TrainSupervised.cs (classify, tag), TrainForecast.cs (forecast),
// TrainCommand.Seq2Seq.cs (seq2seq), TrainCommand.Caption.cs (caption); language models are TrainCommand.cs.
using System.CommandLine;
using Recurrent.Forecasting;

namespace Recurrent.Cli.Commands;

internal static partial class TrainCommand
{
    /// <summary>The flags only --task forecast, seq2seq or classify use (--task itself is in Flags).</summary>
    internal sealed class TaskFlags
    {
        public readonly Option<int?> Window = new("--window") { HelpName = "W", Description = $"forecast: steps the model reads (default {new ForecastOptions().Window})." };
        public readonly Option<int?> Horizon = new("--horizon") { HelpName = "H", Description = $"forecast: steps predicted at once (default {new ForecastOptions().Horizon})." };
        public readonly Option<string?> Inputs = new("--inputs") { HelpName = "COLS", Description = "forecast: input columns, comma-separated header names or 1-based numbers (default: the targets)." };
        public readonly Option<string?> Targets = new("--targets") { HelpName = "COLS", Description = "forecast: predicted columns (default: the last column)." };
        public readonly Option<string?> Normalize = new("--normalize") { HelpName = "window|global|none", Description = "forecast: scale each window relative to its last value and spread (window, the default), standardise with the training rows' mean and std (global), or not at all." };
        public readonly Option<bool> Difference = new("--difference") { Description = "forecast: train on first differences y[t] - y[t-1] (undone on output)." };
        public readonly Option<int?> SeasonDiff = new("--season-diff") { HelpName = "S", Description = "forecast: train on seasonal differences y[t] - y[t-S] (undone on output); 0 = none. Default: on, with the season's lag, when the training rows' changes over a season keep one sign (a trend or a growing season)." };
        public readonly Option<int?> Season = new("--season") { HelpName = "S", Description = "forecast: the season of the seasonal-naive baseline and MASE (default: detected from the training rows' autocorrelation; 1 = none)." };
        public readonly Option<string?> Quantiles = new("--quantiles") { HelpName = "Q1,Q2,..", Description = "forecast: predict these quantiles (e.g. 0.1,0.5,0.9) with the pinball loss instead of a point forecast with MSE." };
        public readonly Option<string?> Known = new("--known") { HelpName = "COLS", Description = "forecast: columns known ahead (e.g. planned prices, holidays), read at the predicted step." };
        public readonly Option<string?> TimeColumn = new("--time-column") { HelpName = "COL", Description = "forecast: a date/time column whose calendar (month, weekday, hour, as its spacing shows) is added to the inputs." };
        public readonly Option<string?> SeriesColumn = new("--series-column") { HelpName = "COL", Description = "forecast: long format, one model for many series: the column naming each row's series." };
        public readonly Option<bool> ReverseSource = new("--reverse-source") { Description = "seq2seq: feed every source reversed (Sutskever et al. 2014)." };
        public readonly Option<string?> Attention = new("--attention") { HelpName = "bahdanau|luong|luong-dot|none", Description = "seq2seq: the decoder attends over the encoder's outputs with this score (Bahdanau additive, Luong general or dot), with input feeding and padding masked; caption: over the image's ResNet18 grid (Show, Attend and Tell; bahdanau or luong; --grid) (default none)." };
        public readonly Option<int?> MaxOutput = new("--max-output") { Description = $"seq2seq: longest decoded output (default: longest target + 25%); caption: longest caption in words, longer ones are cut (default {new Recurrent.Captioning.CaptionOptions().MaxLength})." };
        public readonly Option<string?> Images = new("--images") { HelpName = "DIR", Description = "caption: the folder of the pictures (PNG, JPEG, BMP, GIF, WebP) the captions file names." };
        public readonly Option<string?> Captions = new("--captions") { HelpName = "FILE", Description = "caption: file name<TAB>caption lines (UTF-8; several lines per image allowed; '#' comments and an image<TAB>caption header skipped)." };
        public readonly Option<string?> Grid = new("--grid") { HelpName = "7x7|14x14", Description = "caption: the ResNet18 map the features come from: the last stage's 7×7×512 (default) or the third stage's 14×14×256, finer cells that keep where things are; the pooled vector is the grid's mean." };
        public readonly Option<string?> Positions = new("--positions") { HelpName = "region|rowcol|none", Description = "caption, with --attention: learned position vectors added to the grid's regions, one per region or one per row and per column (default: region on the 7×7 grid, rowcol on 14×14, as measured in docs/captioning.md)." };
        public readonly Option<int?> MinCount = new("--min-count") { HelpName = "N", Description = $"caption: words seen fewer than N times in the training captions become <unk> (default {new Recurrent.Captioning.CaptionOptions().MinCount})." };
        public readonly Option<int?> FeaturesPerStep = new("--features-per-step") { HelpName = "F", Description = "classify, .csv data: numbers per time step (channels); each line is the label, then T·F numbers step by step (default 1: one number per step)." };

        public IEnumerable<Option> All => [Window, Horizon, Inputs, Targets, Normalize, Difference, SeasonDiff, Season, Quantiles, Known, TimeColumn, SeriesColumn, ReverseSource, Attention, MaxOutput, FeaturesPerStep, Images, Captions, Grid, Positions, MinCount];

        /// <summary>The flags that shape a forecaster's data and output (fixed by --init-from and on --resume).</summary>
        public IEnumerable<Option> ForecastShape => [Window, Horizon, Inputs, Targets, Normalize, Difference, SeasonDiff, Season, Quantiles, Known, TimeColumn, SeriesColumn];
    }

    /// <summary>
    /// Refuses the first option of <paramref name="candidates"/> that was given but is not in <paramref name="used"/>
    /// (the options <paramref name="task"/> reads): one `rnn:` line naming the option and the task, exit code 2.
    /// Used by every --task, so no task silently ignores another task's flag.
    /// </summary>
    internal static void RejectOthers(ParseResult parse, string task, IEnumerable<Option> used, IEnumerable<Option> candidates)
    {
        var keep = used.ToHashSet();
        foreach (var option in candidates)
            if (!keep.Contains(option) && CommonOptions.Given(parse, option))
                throw new UserFacingException(task == "lm"
                    ? $"{option.Name} does not apply to a language model (--task lm, the default); see `rnn train --help` for the task it belongs to."
                    : $"{option.Name} does not apply to --task {task}.");
    }
}
