// DemoAllCommand: `rnn demo all [--compare]` — runs every built-in task (Recurrent.Demos.BuiltInDemos) with
// LSTM, or with --compare with RNN, GRU and LSTM, and prints one table: rows = tasks, columns = cells, each
// cell the held-out metric, PASS/FAIL and seconds. Exit code 0 when every LSTM run passes.
using System.CommandLine;
using System.Diagnostics;
using Recurrent.Layers;
using Recurrent.Demos;
using Spectre.Console;

namespace Recurrent.Cli.Commands;

internal static class DemoAllCommand
{
    public static Command Create()
    {
        var compare = new Option<bool>("--compare") { Description = "Train RNN, GRU and LSTM on every task and compare them." };
        var cell = CommonOptions.Cell("lstm");
        var seed = new Option<ulong>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1UL };
        var quick = new Option<bool>("--quick") { Description = "The smaller variant of each task (shorter sequences), seconds per task." };
        var tasks = new Option<string?>("--tasks") { Description = $"Comma-separated subset of: {string.Join(", ", BuiltInDemos.All.Select(t => t.Name))}." };
        var cmd = new Command("all", "Run every built-in task (LSTM by default; --compare: RNN, GRU and LSTM) and print one table.")
        {
            compare, cell, seed, quick, tasks,
        };
        cmd.SetAction(parse =>
        {
            bool comparing = parse.GetValue(compare);
            if (comparing && CommonOptions.Given(parse, cell))
                throw new UserFacingException("--compare runs rnn, gru and lstm; leave out --cell (or drop --compare to run one cell).");
            CellKind[] cells = comparing ? [CellKind.RnnTanh, CellKind.Gru, CellKind.Lstm] : [CommonOptions.ParseCell(parse.GetValue(cell)!)];
            var selected = Select(parse.GetValue(tasks));
            ulong s = parse.GetValue(seed);
            bool q = parse.GetValue(quick);
            Console.WriteLine($"demo all: {selected.Count} tasks × {string.Join(", ", cells.Select(DemoTaskCommand.CellName))}; seed {s}{(q ? ", quick" : "")}");
            var clock = Stopwatch.StartNew();
            var results = new Dictionary<(string, CellKind), DemoResult>();
            foreach (var task in selected)
                foreach (var c in cells)
                {
                    var r = task.Run(new DemoRequest { Cell = c, Seed = s, Quick = q }, null);
                    results[(task.Name, c)] = r;
                    Console.WriteLine($"  {task.Name,-15} {DemoTaskCommand.CellName(c),-5} {(r.Passed ? "PASS" : "FAIL")}  {r.MetricText}  ({r.Steps} steps, {r.Seconds:F1} s)");
                }
            double total = clock.Elapsed.TotalSeconds;

            var table = new Table().Border(TableBorder.Ascii).AddColumn("task");
            foreach (var c in cells) table.AddColumn(DemoTaskCommand.CellName(c));
            foreach (var task in selected)
                table.AddRow([Markup.Escape(task.Name), .. cells.Select(c => Cell(results[(task.Name, c)]))]);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            if (Console.IsOutputRedirected) console.Profile.Width = 160;
            console.Write(table);
            Console.WriteLine($"total time {total:F1} s");
            Console.WriteLine("criteria:");
            foreach (var task in selected) Console.WriteLine($"  {task.Name}: {task.Criterion}");
            var must = cells.Contains(CellKind.Lstm) ? CellKind.Lstm : cells[0];
            int failed = selected.Count(t => !results[(t.Name, must)].Passed);
            Console.WriteLine(failed == 0
                ? $"PASS: every task met its criterion with {DemoTaskCommand.CellName(must)}"
                : $"FAIL: {failed} of {selected.Count} tasks missed their criterion with {DemoTaskCommand.CellName(must)}");
            return failed == 0 ? 0 : 1;
        });
        return cmd;
    }

    private static string Cell(DemoResult r) =>
        Markup.Escape($"{r.MetricText}\n{(r.Passed ? "PASS" : "FAIL")}, {r.Seconds:F1} s");

    private static List<BuiltInDemo> Select(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return [.. BuiltInDemos.All];
        var chosen = new List<BuiltInDemo>();
        foreach (string name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var task = BuiltInDemos.Find(name)
                ?? throw new UserFacingException($"unknown task '{name}' in --tasks; use some of: {string.Join(", ", BuiltInDemos.All.Select(t => t.Name))}.");
            if (!chosen.Contains(task)) chosen.Add(task);
        }
        return chosen;
    }
}
