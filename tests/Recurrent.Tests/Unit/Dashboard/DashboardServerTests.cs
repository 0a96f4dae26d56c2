// The dashboard server (Cli/Dashboard) in-process, over real sockets: it serves its page and the runs it was given,
// follows a run's files as server-sent events (appended lines arrive, a rewritten file is sent again from the start),
// and nothing else — path traversal in every spelling, other paths and other methods are refused; on loopback it
// refuses foreign Host headers; bound elsewhere it refuses requests without its token and accepts the token from the
// query (then a cookie). Raw HTTP over TcpClient keeps `..` and %2e as sent (HttpClient would normalise them away).
using System.Net;
using System.Net.Sockets;
using System.Text;
using Recurrent.Cli.Commands;
using Recurrent.Cli.Dashboard;
using Recurrent.Tests.Data;

namespace Recurrent.Tests.Dashboard;

public sealed class DashboardServerTests
{
    private const string Metric1 = "{\"step\":5,\"epoch\":0.1,\"train_loss\":2.5,\"val_loss\":null,\"lr\":0.001,\"grad_norm\":1.5,\"tokens_per_s\":100,\"elapsed_s\":1,\"skipped_steps\":0}";
    private const string Metric2 = "{\"step\":10,\"epoch\":0.2,\"train_loss\":2.25,\"val_loss\":2.4,\"lr\":0.001,\"grad_norm\":1.25,\"tokens_per_s\":100,\"elapsed_s\":2,\"skipped_steps\":0}";

    private static (TempDirectory Dir, string Run) RunDirectory()
    {
        var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run1");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "metrics.jsonl"), Metric1 + "\n");
        // A file the server must never hand out, in the run directory and beside it.
        File.WriteAllText(Path.Combine(run, "secret.txt"), "SECRET-IN-RUN");
        File.WriteAllText(Path.Combine(dir.Path, "secret.txt"), "SECRET-BESIDE");
        return (dir, run);
    }

    private static (int Status, string Headers, string Body) Raw(Uri server, string target, string? host = null, string method = "GET", string? cookie = null)
    {
        using var client = new TcpClient();
        client.Connect(server.Host == "localhost" ? "127.0.0.1" : server.Host, server.Port);
        using var stream = client.GetStream();
        string request = $"{method} {target} HTTP/1.1\r\nHost: {host ?? $"127.0.0.1:{server.Port}"}\r\nConnection: close\r\n" +
            (cookie is null ? "" : $"Cookie: {cookie}\r\n") + "\r\n";
        stream.Write(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string response = reader.ReadToEnd();
        int split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string head = split < 0 ? response : response[..split];
        int status = int.Parse(head.Split(' ')[1]);
        return (status, head, split < 0 ? "" : response[(split + 4)..]);
    }

    [Fact]
    public async Task ServesThePageAndTheRunsAndRefusesEverythingElse()
    {
        var (dir, run) = RunDirectory();
        using var _ = dir;
        await using var server = await DashboardServer.StartAsync([run], null, 0);
        var url = new Uri(server.Url);
        Assert.Equal("127.0.0.1", url.Host);
        Assert.False(server.RequiresToken);

        var page = Raw(url, "/");
        Assert.Equal(200, page.Status);
        Assert.Contains("data-dashboard=\"pending\"", page.Body);
        Assert.Contains("Content-Security-Policy: default-src 'none'; script-src 'self'", page.Headers);
        Assert.Contains("X-Content-Type-Options: nosniff", page.Headers);
        Assert.Equal(200, Raw(url, "/dashboard.js").Status);
        Assert.Equal(200, Raw(url, "/dashboard.css").Status);
        Assert.Contains("window.rnnPageProblems", Raw(url, "/page-errors.js").Body);
        var runs = Raw(url, "/api/runs");
        Assert.Contains("\"name\":\"run1\"", runs.Body);

        string[] traversals =
        [
            "/../secret.txt", "/../../../../etc/passwd", "/api/runs/0/../../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/api/runs/0/..%2f..%2fsecret.txt", "/api/runs/0/inspect/../secret.txt", "/secret.txt", "/run1/secret.txt", "/metrics.jsonl",
            "/api/runs/0/metrics.jsonl", "/api/runs/..%2f/inspect", "/api/runs/0/inspect", "/api/runs/7/inspect", "//etc/passwd", "/dashboard.js/..%2f..%2fsecret.txt",
        ];
        foreach (string target in traversals)
        {
            var r = Raw(url, target);
            Assert.True(r.Status is 404 or 400, $"{target}: {r.Status}");
            Assert.DoesNotContain("SECRET", r.Body);
            Assert.DoesNotContain("root:", r.Body);
        }
        Assert.Equal(405, Raw(url, "/", method: "POST").Status);
        Assert.Equal(405, Raw(url, "/api/runs", method: "DELETE").Status);
        // DNS rebinding: a page on another name that resolves to 127.0.0.1 gets nothing.
        Assert.Equal(403, Raw(url, "/api/runs", host: $"evil.example:{url.Port}").Status);
        Assert.Equal(200, Raw(url, "/api/runs", host: $"localhost:{url.Port}").Status);
    }

    [Fact]
    public async Task ServesTheInspectPageOfARunOnlyWhenItIsThere()
    {
        var (dir, run) = RunDirectory();
        using var _ = dir;
        await using var server = await DashboardServer.StartAsync([run], null, 0);
        var url = new Uri(server.Url);
        Assert.Equal(404, Raw(url, "/api/runs/0/inspect").Status);
        File.WriteAllText(Path.Combine(run, "inspect.html"), "<html>INSPECT</html>");
        var r = Raw(url, "/api/runs/0/inspect");
        Assert.Equal(200, r.Status);
        Assert.Contains("INSPECT", r.Body);
        Assert.Contains("frame-ancestors 'self'", r.Headers);
        Assert.Equal(404, Raw(url, "/api/runs/1/inspect").Status);
    }

    [Fact]
    public async Task BeyondLoopbackEveryRequestNeedsTheToken()
    {
        var (dir, run) = RunDirectory();
        using var _ = dir;
        await using var server = await DashboardServer.StartAsync([run], "0.0.0.0", 0);
        Assert.True(server.RequiresToken);
        var url = new Uri(server.Url);
        string token = url.Query.Split("token=")[1];
        Assert.Matches("^[0-9a-f]{32}$", token);
        var local = new Uri($"http://127.0.0.1:{url.Port}/");
        Assert.Equal(403, Raw(local, "/").Status);
        Assert.Equal(403, Raw(local, "/api/runs").Status);
        Assert.Equal(403, Raw(local, "/api/events").Status);
        Assert.Equal(403, Raw(local, "/?token=" + new string('0', 32)).Status);
        Assert.Equal(403, Raw(local, "/?token=" + token[..^1]).Status);
        var withToken = Raw(local, "/?token=" + token, host: $"some-host:{url.Port}");
        Assert.Equal(200, withToken.Status);
        Assert.Contains($"Set-Cookie: rnn_ui_token={token}", withToken.Headers);
        Assert.Contains("httponly", withToken.Headers.ToLowerInvariant());
        Assert.Equal(200, Raw(local, "/api/runs", cookie: $"rnn_ui_token={token}").Status);
        Assert.Equal(403, Raw(local, "/api/runs", cookie: "rnn_ui_token=wrong").Status);
        Assert.Equal(404, Raw(local, "/../secret.txt?token=" + token).Status);
    }

    [Fact]
    public async Task TheEventStreamFollowsTheRunFiles()
    {
        var (dir, run) = RunDirectory();
        using var _ = dir;
        await using var server = await DashboardServer.StartAsync([run], null, 0);
        var url = new Uri(server.Url);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(new Uri(url, "/api/events"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await ReadUntil(reader, "ready");
        Assert.Contains(first, e => e.Name == "runs" && e.Data.Contains("\"run1\""));
        var metrics = Assert.Single(first, e => e.Name == "metrics");
        Assert.Contains("\"step\":5", metrics.Data);
        Assert.Contains("\"reset\":false", metrics.Data);

        // A line written in two pieces arrives once, whole.
        string path = Path.Combine(run, "metrics.jsonl");
        File.AppendAllText(path, Metric2[..20]);
        await Task.Delay(700);
        File.AppendAllText(path, Metric2[20..] + "\n");
        var next = await ReadUntil(reader, "metrics");
        Assert.Contains("\"step\":10", next[^1].Data);
        Assert.DoesNotContain("\"step\":5", next[^1].Data);

        // A resumed run cuts its log back: the page is told to start again.
        File.WriteAllText(path, Metric1[..^1].Replace("2.5", "2.75") + "}\n");
        var reset = await ReadUntil(reader, "metrics");
        Assert.Contains("\"reset\":true", reset[^1].Data);
        Assert.Contains("2.75", reset[^1].Data);

        // Predictions (a pretty-printed file) arrive on one data line.
        File.WriteAllText(Path.Combine(run, "predictions.json"), "{\n  \"step\": 10,\n  \"kind\": \"sequences\",\n  \"examples\": []\n}");
        var predictions = await ReadUntil(reader, "predictions");
        Assert.Contains("\"kind\":\"sequences\"", predictions[^1].Data);
    }

    [Fact]
    public async Task APortInUseIsAClearError()
    {
        var (dir, run) = RunDirectory();
        using var _ = dir;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        try
        {
            var e = await Assert.ThrowsAsync<UserFacingException>(() => DashboardServer.StartAsync([run], null, port));
            Assert.Contains($"127.0.0.1:{port}", e.Message);
            Assert.Contains("choose another port", e.Message);
        }
        finally { listener.Stop(); }
        await Assert.ThrowsAsync<UserFacingException>(() => DashboardServer.StartAsync([run], "not-an-address", 0));
    }

    // Reads server-sent events until one called `name` arrives (or 20 s pass); returns them all.
    private static async Task<List<(string Name, string Data)>> ReadUntil(StreamReader reader, string name)
    {
        var events = new List<(string, string)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? eventName = null;
        var data = new StringBuilder();
        while (true)
        {
            string? line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line[6..]);
            else if (line.Length == 0 && eventName is not null)
            {
                events.Add((eventName, data.ToString()));
                if (eventName == name) return events;
                eventName = null;
                data.Clear();
            }
        }
    }
}
