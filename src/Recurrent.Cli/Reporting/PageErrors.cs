// PageErrors: the script every page of the tool runs first — `rnn report`, `rnn inspect` and the dashboard — so a
// headless browser can tell a page that worked from one that did not: it collects every uncaught error (also a
// resource that failed to load), unhandled promise rejection and console.error into window.rnnPageProblems, which
// each page's own status code reads before it marks <html> "ok" or "error: ...". The report and inspect pages inline
// it; the dashboard serves it as /page-errors.js (its policy allows only its own script files).
namespace Recurrent.Cli.Reporting;

internal static class PageErrors
{
    public const string Script = """
window.rnnPageProblems = [];
(function (problems) {
  window.addEventListener('error', function (e) {
    problems.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)) || e.type));
  }, true);
  window.addEventListener('unhandledrejection', function (e) { problems.push('unhandled rejection: ' + e.reason); });
  var consoleError = console.error;
  console.error = function () { problems.push('console.error: ' + Array.prototype.join.call(arguments, ' ')); consoleError.apply(console, arguments); };
})(window.rnnPageProblems);

""";
}
