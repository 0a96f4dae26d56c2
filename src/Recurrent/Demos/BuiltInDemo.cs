// BuiltInDemo: one entry of the registry of built-in demo tasks — name, one-line summary, the criterion with
// its source, and a function that runs it for a DemoRequest and reports progress.
namespace Recurrent.Demos;

/// <summary>A built-in task that <c>rnn demo NAME</c> and <c>rnn demo all</c> can run.</summary>
/// <param name="Name">Command name, e.g. "reber".</param>
/// <param name="Summary">One line saying what the task is.</param>
/// <param name="Criterion">The PASS criterion and its source.</param>
/// <param name="LengthMeaning">What <see cref="DemoRequest.Length"/> sets for this task, or null when it has no length.</param>
/// <param name="MinimumLength">Smallest <see cref="DemoRequest.Length"/> the task accepts.</param>
/// <param name="Run">Runs the task; the callback receives each validation report.</param>
public sealed record BuiltInDemo(string Name, string Summary, string Criterion, string? LengthMeaning, int MinimumLength,
    Func<DemoRequest, Action<DemoProgress>?, DemoResult> Run);
