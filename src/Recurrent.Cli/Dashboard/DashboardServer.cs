// DashboardServer: the live training dashboard (`rnn train --ui`, `rnn ui RUN_DIR...`) — Kestrel from ASP.NET Core's
// shared framework, no package. It serves exactly: the page (/, /dashboard.js, /dashboard.css from the assembly, /page-errors.js), the
// list of runs it was given (/api/runs), one server-sent-event stream that follows their files (/api/events, see
// RunFeed), and a run's `rnn inspect` page (/api/runs/N/inspect). Runs are named by their index in the list given at
// start, so no request ever names a file: every other path, `..` or not, is 404.
// Security: it binds to 127.0.0.1 unless another host is given, and then asks every request for a random token
// (printed in the URL at start; the page keeps it in a same-site cookie). On loopback it answers only requests whose
// Host header is a loopback name (a page elsewhere cannot reach it through DNS rebinding). Responses forbid framing by
// other sites, sniffing and referrers (the token is in the URL), and the page's policy allows only its own script.
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Recurrent.Cli.Commands;
using Recurrent.Training;

namespace Recurrent.Cli.Dashboard;

internal sealed partial class DashboardServer : IAsyncDisposable
{
    private const string TokenCookie = "rnn_ui_token";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500), KeepAlive = TimeSpan.FromSeconds(15);
    private const string PagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    // The inspect page is one self-contained file with its own inline script and style; it loads nothing.
    private const string InspectPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private readonly WebApplication _app;
    private readonly IReadOnlyList<(string Name, RunDirectory Run)> _runs;
    private readonly string? _token;
    private readonly bool _loopback;
    private readonly CancellationTokenSource _stopping = new();

    private DashboardServer(WebApplication app, IReadOnlyList<(string, RunDirectory)> runs, string? token, bool loopback)
    {
        _app = app;
        _runs = runs;
        _token = token;
        _loopback = loopback;
    }

    /// <summary>The address to open (with the token when one is needed).</summary>
    public string Url { get; private set; } = "";

    /// <summary>True when requests must carry the token (bound to a non-loopback host).</summary>
    public bool RequiresToken => _token is not null;

    /// <summary>
    /// Starts serving <paramref name="runDirectories"/> on <paramref name="host"/> (null: 127.0.0.1) and
    /// <paramref name="port"/> (0: a free port). Throws UserFacingException when the host or port cannot be used.
    /// </summary>
    public static async Task<DashboardServer> StartAsync(IReadOnlyList<string> runDirectories, string? host, int port)
    {
        CheckPort(port);
        IPAddress address = ParseHost(host);
        bool loopback = IPAddress.IsLoopback(address);
        var runs = Name(runDirectories);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(address, port);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        // Ctrl+C and SIGTERM belong to the command (a training run stops after its update and checkpoints), not to the host.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        var app = builder.Build();
        string? token = loopback ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var server = new DashboardServer(app, runs, token, loopback);
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new UserFacingException($"the dashboard could not listen on {Show(address)}:{port} ({e.InnerException?.Message ?? e.Message}); " +
                "choose another port, or leave the port out for a free one.");
        }
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int actualPort = new Uri(bound).Port;
        string shownHost = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : Show(address);
        server.Url = $"http://{shownHost}:{actualPort}/" + (token is null ? "" : $"?token={token}");
        return server;
    }

    /// <summary>Stops serving: open event streams end, the port is released.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _app.StopAsync().ConfigureAwait(false); }
        finally { await _app.DisposeAsync().ConfigureAwait(false); }
        _stopping.Dispose();
    }

    /// <summary>Throws UserFacingException unless <paramref name="port"/> is 0 (a free port) to 65535.</summary>
    internal static void CheckPort(int port)
    {
        if (port is < 0 or > 65535) throw new UserFacingException($"the dashboard port must be between 0 (a free port) and 65535, got {port}.");
    }

    /// <summary>The address to bind for --ui-host / --host (null or localhost: 127.0.0.1; *: all).</summary>
    internal static IPAddress ParseHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host) || host == "localhost") return IPAddress.Loopback;
        if (host == "*") return IPAddress.Any;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) return address;
        throw new UserFacingException($"--ui-host '{host}' is not an IP address; give one of this machine's addresses (e.g. 0.0.0.0 for all, or 127.0.0.1).");
    }

    private static string Show(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();

    // Each run's display name: its folder name, made unique with its parent's name when two share one.
    private static List<(string, RunDirectory)> Name(IReadOnlyList<string> directories)
    {
        var runs = directories.Select(d => new RunDirectory(d)).ToList();
        static string Leaf(string p) => Path.GetFileName(p.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return runs.Select(r =>
        {
            string name = Leaf(r.Path);
            if (runs.Count(o => Leaf(o.Path) == name) > 1) name = $"{Leaf(Path.GetDirectoryName(r.Path.TrimEnd(Path.DirectorySeparatorChar)) ?? "")}/{name}";
            return (name, r);
        }).ToList();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        if (_loopback && !LoopbackHost(request.Host.Host))
        {
            await Plain(response, StatusCodes.Status403Forbidden, "This dashboard answers only on this machine's loopback address.").ConfigureAwait(false);
            return;
        }
        if (!Authorised(context))
        {
            await Plain(response, StatusCodes.Status403Forbidden, "Open the address printed at start: it carries the dashboard's token.").ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await Plain(response, StatusCodes.Status405MethodNotAllowed, "Only GET.").ConfigureAwait(false);
            return;
        }
        string path = request.Path.Value ?? "/";
        switch (path)
        {
            case "/":
                await Resource(response, "dashboard.html", "text/html; charset=utf-8", PagePolicy).ConfigureAwait(false);
                return;
            case "/dashboard.js":
                await Resource(response, "dashboard.js", "text/javascript; charset=utf-8", null).ConfigureAwait(false);
                return;
            case "/page-errors.js":
                response.ContentType = "text/javascript; charset=utf-8";
                await response.WriteAsync(Reporting.PageErrors.Script, context.RequestAborted).ConfigureAwait(false);
                return;
            case "/dashboard.css":
                await Resource(response, "dashboard.css", "text/css; charset=utf-8", null).ConfigureAwait(false);
                return;
            case "/api/runs":
                response.ContentType = "application/json; charset=utf-8";
                await response.WriteAsync(RunsJson(), context.RequestAborted).ConfigureAwait(false);
                return;
            case "/api/events":
                await EventsAsync(context).ConfigureAwait(false);
                return;
        }
        var inspect = InspectPath().Match(path);
        if (inspect.Success && int.TryParse(inspect.Groups[1].Value, out int index) && index < _runs.Count
            && File.Exists(_runs[index].Run.File(RunFeed.InspectFile)))
        {
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = InspectPolicy;
            await response.SendFileAsync(_runs[index].Run.File(RunFeed.InspectFile), context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await Plain(response, StatusCodes.Status404NotFound, "Not found.").ConfigureAwait(false);
    }

    private static bool LoopbackHost(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || (IPAddress.TryParse(host.Trim('[', ']'), out var a) && IPAddress.IsLoopback(a));

    // No token: loopback, every local request is allowed. Else the token from the query (then kept in a cookie) or the cookie.
    private bool Authorised(HttpContext context)
    {
        if (_token is null) return true;
        byte[] expected = Encoding.ASCII.GetBytes(_token);
        if (context.Request.Query.TryGetValue("token", out var given) && Matches(given.ToString()))
        {
            context.Response.Cookies.Append(TokenCookie, _token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return true;
        }
        return context.Request.Cookies.TryGetValue(TokenCookie, out string? cookie) && Matches(cookie);

        bool Matches(string value) => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(value), expected);
    }

    private string RunsJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            for (int i = 0; i < _runs.Count; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("id", i);
                w.WriteString("name", _runs[i].Name);
                w.WriteString("path", _runs[i].Run.Path);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // One stream for all runs: the runs first, then every run's events as its files change, until the page goes or
    // the server stops. A comment line every few seconds keeps proxies from closing a quiet stream.
    private async Task EventsAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers["X-Accel-Buffering"] = "no";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = stop.Token;
        var feeds = _runs.Select((r, i) => new RunFeed(i, r.Run)).ToList();
        try
        {
            await response.WriteAsync("retry: 2000\n\n" + Frame("runs", RunsJson()), token).ConfigureAwait(false);
            var quietSince = DateTime.UtcNow;
            bool first = true;
            while (!token.IsCancellationRequested)
            {
                var text = new StringBuilder();
                foreach (var feed in feeds)
                    foreach (var e in feed.Poll()) text.Append(Frame(e.Name, e.Json));
                // After the first round the page has everything the files held when it connected.
                if (first) text.Append(Frame("ready", "{}"));
                first = false;
                if (text.Length == 0 && DateTime.UtcNow - quietSince > KeepAlive) text.Append(": alive\n\n");
                if (text.Length > 0)
                {
                    await response.WriteAsync(text.ToString(), token).ConfigureAwait(false);
                    await response.Body.FlushAsync(token).ConfigureAwait(false);
                    quietSince = DateTime.UtcNow;
                }
                await Task.Delay(PollInterval, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { } // the page went away, or the server is stopping
    }

    private static string Frame(string name, string json) => $"event: {name}\ndata: {json}\n\n";

    private static async Task Resource(HttpResponse response, string name, string type, string? policy)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("dashboard/" + name)
            ?? throw new InvalidOperationException($"The dashboard's {name} is missing from the build.");
        response.ContentType = type;
        if (policy is not null) response.Headers.ContentSecurityPolicy = policy;
        response.ContentLength = stream.Length;
        await stream.CopyToAsync(response.Body).ConfigureAwait(false);
    }

    private static Task Plain(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(text + "\n");
    }

    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [GeneratedRegex(@"^/api/runs/([0-9]{1,4})/inspect$")]
    private static partial Regex InspectPath();
}
