// CliRunner: runs the built `rnn` tool (rnn.dll next to the test assembly) as a child process, so CLI tests
// see exactly what a user sees: stdout, stderr and the exit code.
using System.Diagnostics;

namespace Recurrent.Tests.Cli;

public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Run"/>, with <paramref name="environment"/> added to the child's environment.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rnn.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"rnn {string.Join(' ', args)} did not finish in 120 s"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
