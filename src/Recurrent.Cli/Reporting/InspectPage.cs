// InspectPage: `rnn inspect`'s page — one self-contained HTML file (inline CSS, script and data; nothing fetched) that
// shows a language model's units over a text, after Karpathy's visualisations of char-rnn cells: every token of the
// text coloured by the chosen unit's value (red positive, blue negative; gates from blue 0 to red 1), selectors for
// layer, quantity and unit, the feature-correlation table (a click shows that row's unit), the chosen unit's r with
// every feature, and on hover the model's top-5 next-token predictions at that position.
// Size: each embedded unit is T bytes (8-bit, scaled to its own min..max; 4T/3 as base64 in the page). A 2×256 LSTM over
// 5000 characters has 3072 units, 15 MB; so the page holds units in priority order — the table's and the chosen one,
// every h, then the rest by their strongest |r| — while the whole page stays under PageBudget, and says how many it left out.
// The script marks the page (<html data-inspect="ok">) once it has drawn the text and the chosen unit with no error
// raised or logged, so a headless browser can check it (tests/inspect-screenshot.sh); written atomically.
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Recurrent.Inspection;
using Recurrent.Serialization;

namespace Recurrent.Cli.Reporting;

internal static class InspectPage
{
    public const string DefaultFile = "inspect.html";

    /// <summary>The page's size at most, in bytes, unless the table's units alone need more.</summary>
    public const int PageBudget = 4_500_000;

    // Bytes a unit takes in the data besides its values: {"l":1,"q":"c","u":215,"gate":false,"min":..,"max":..,"r":[F values]}.
    private const int UnitEntryBytes = 80;
    private const int BytesPerR = 8;

    /// <summary>What the page shows.</summary>
    /// <param name="Pieces">Each token's text as decoded (their concatenation is the text shown).</param>
    /// <param name="TokenText">The text of a vocabulary entry, for the predictions.</param>
    /// <param name="Table">The correlation rows to list (UnitCorrelation.Summary).</param>
    /// <param name="Selected">The unit shown first.</param>
    /// <param name="Notes">Lines shown under the title (e.g. that the text was cut).</param>
    public sealed record Content(string ModelPath, string TextPath, string Tokenizer, IReadOnlyList<string> Pieces,
        Func<int, string> TokenText, ActivationTrace Trace, UnitCorrelation Correlation, IReadOnlyList<UnitFeatureCorrelation> Table,
        UnitKey Selected, IReadOnlyList<string> Notes);

    /// <summary>One unit of a trace.</summary>
    public readonly record struct UnitKey(int Layer, TraceQuantity Quantity, int Unit);

    /// <summary>Writes the page to <paramref name="path"/> atomically (a temporary file renamed over it).</summary>
    public static void Write(string path, Content content)
    {
        byte[] bytes = new UTF8Encoding(false).GetBytes(Build(content));
        ModelFile.WriteAtomically(path, s => s.Write(bytes));
    }

    /// <summary>The HTML of the page, kept under <paramref name="budget"/> bytes by embedding fewer units.</summary>
    public static string Build(Content content, int budget = PageBudget)
    {
        var trace = content.Trace;
        int total = trace.Layers * trace.Quantities.Count * trace.HiddenSize;
        // What the page takes without any unit (with room for the note below), and then what each unit adds.
        long fixedBytes = Encoding.UTF8.GetByteCount(Page(content, [], [.. content.Notes, new string('x', 300)]));
        long perUnit = (trace.Steps + 2) / 3 * 4 + UnitEntryBytes + BytesPerR * content.Correlation.Features;
        List<UnitKey> units = Embedded(content, (int)Math.Clamp((budget - fixedBytes) / perUnit, 0, total));
        var notes = content.Notes.ToList();
        if (units.Count < total)
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"The page holds {units.Count:N0} of the {total:N0} units, to stay under {budget / 1_000_000.0:0.#} MB: ") +
                      "those in the table, every h, and the rest by their strongest correlation. Choose fewer characters (--max-chars) to see all.");
        return Page(content, units, notes);
    }

    private static string Page(Content content, List<UnitKey> units, IReadOnlyList<string> notes)
    {
        var trace = content.Trace;

        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\" data-inspect=\"pending\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<title>rnn inspect — ").Append(Esc(Path.GetFileName(content.ModelPath))).Append("</title>\n");
        h.Append("<script>\n").Append(PageErrors.Script).Append(StatusScript).Append("</script>\n");
        h.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        h.Append("<h1>rnn inspect <span class=\"sub\">").Append(Esc(Path.GetFileName(content.ModelPath))).Append("</span></h1>\n");
        h.Append("<p class=\"path\">model ").Append(Esc(content.ModelPath)).Append(" — ").Append(Esc(trace.Cell.ToString())).Append(' ')
            .Append(trace.Layers).Append('×').Append(trace.HiddenSize).Append(", ").Append(Esc(content.Tokenizer)).Append(" tokens<br>text ")
            .Append(Esc(content.TextPath)).Append(" — ").Append(trace.Steps.ToString("N0", CultureInfo.InvariantCulture)).Append(" tokens</p>\n");
        foreach (string note in notes) h.Append("<p class=\"note\">").Append(Esc(note)).Append("</p>\n");
        h.Append("""
<div class="controls">
  <label>layer <select id="layer"></select></label>
  <label>quantity <select id="quantity"></select></label>
  <label>unit <select id="unit"></select></label>
  <span id="legend" class="legend"></span>
</div>
<div class="main">
  <div id="text" class="text"></div>
  <aside>
    <h2>This unit</h2>
    <table id="unit-r"><thead><tr><th>feature</th><th>r</th></tr></thead><tbody></tbody></table>
    <h2>Units and features</h2>
    <p class="note">Pearson r over the text's positions; click a row to show its unit.</p>
    <table id="table"><thead><tr><th>layer</th><th>quantity</th><th>unit</th><th>feature</th><th>r</th></tr></thead><tbody></tbody></table>
  </aside>
</div>
<div id="tip" class="tip" hidden></div>
<footer>Hover a character for the model's five most probable next tokens after reading it. Colours: h, c, g, n
from blue (negative) through white to red (positive), scaled to the unit's largest |value|; gates i, f, o, r, z
from blue (0) to red (1).</footer>

""");
        h.Append("<script type=\"application/json\" id=\"inspect-data\">").Append(Data(content, units)).Append("</script>\n");
        h.Append("<script>\n").Append(PageScript).Append("</script>\n</body>\n</html>\n");
        return h.ToString();
    }

    // The units the page embeds: the chosen one and the table's first, then every h, then by strongest |r|, then the
    // rest, as many as `fit` (the chosen and the table's always); ordered by (layer, quantity, unit).
    private static List<UnitKey> Embedded(Content content, int fit)
    {
        var trace = content.Trace;
        var order = new List<UnitKey> { content.Selected };
        order.AddRange(content.Table.Select(r => new UnitKey(r.Layer, r.Quantity, r.Unit)));
        int required = order.Distinct().Count();
        for (int l = 0; l < trace.Layers; l++)
            for (int u = 0; u < trace.HiddenSize; u++) order.Add(new UnitKey(l, TraceQuantity.Hidden, u));
        order.AddRange(content.Correlation.Ranked().Select(r => new UnitKey(r.Layer, r.Quantity, r.Unit)));
        for (int l = 0; l < trace.Layers; l++)
            foreach (TraceQuantity q in trace.Quantities)
                for (int u = 0; u < trace.HiddenSize; u++) order.Add(new UnitKey(l, q, u));
        fit = Math.Max(required, fit);
        var quantityIndex = trace.Quantities.Select((q, i) => (q, i)).ToDictionary(x => x.q, x => x.i);
        return order.Distinct().Take(fit)
            .OrderBy(k => k.Layer).ThenBy(k => quantityIndex[k.Quantity]).ThenBy(k => k.Unit).ToList();
    }

    // The page's data as JSON (the writer escapes <, > and & so the script element cannot be closed early):
    // tokens as indices into a table of the strings used, predictions (T·K indices and probabilities in 1e-4),
    // and the units' values as one base64 block, unit i at bytes [i·T, (i+1)·T).
    private static string Data(Content content, List<UnitKey> units)
    {
        var trace = content.Trace;
        int steps = trace.Steps, k = trace.TopK;
        var strings = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int Intern(string s)
        {
            if (!index.TryGetValue(s, out int i)) { i = strings.Count; strings.Add(s); index[s] = i; }
            return i;
        }
        var tokens = content.Pieces.Select(Intern).ToArray();
        var topIds = new int[steps * k];
        var topP = new int[steps * k];
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<int> ids = trace.TopTokens(t);
            ReadOnlySpan<float> ps = trace.TopProbabilities(t);
            for (int j = 0; j < k; j++) { topIds[t * k + j] = Intern(content.TokenText(ids[j])); topP[t * k + j] = (int)Math.Round(ps[j] * 10_000); }
        }
        var values = new byte[units.Count * steps];
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("k", k);
            w.WriteStartArray("strings"); foreach (string s in strings) w.WriteStringValue(s); w.WriteEndArray();
            WriteInts(w, "tokens", tokens);
            WriteInts(w, "topIds", topIds);
            WriteInts(w, "topP", topP);
            w.WriteStartArray("nextP");
            for (int t = 0; t < steps; t++)
            {
                float p = trace.NextProbability(t);
                if (float.IsNaN(p)) w.WriteNullValue(); else w.WriteNumberValue((int)Math.Round(p * 10_000));
            }
            w.WriteEndArray();
            w.WriteStartArray("features"); foreach (var f in TextFeatures.All) w.WriteStringValue(f.Name); w.WriteEndArray();
            w.WriteStartArray("units");
            for (int i = 0; i < units.Count; i++)
            {
                UnitKey u = units[i];
                ReadOnlySpan<float> x = trace.Values(u.Layer, u.Quantity);
                float min = float.PositiveInfinity, max = float.NegativeInfinity;
                for (int t = 0; t < steps; t++) { float v = x[t * trace.HiddenSize + u.Unit]; min = Math.Min(min, v); max = Math.Max(max, v); }
                float range = max - min;
                for (int t = 0; t < steps; t++)
                {
                    float v = x[t * trace.HiddenSize + u.Unit];
                    values[i * steps + t] = range > 0 ? (byte)Math.Round((v - min) / range * 255) : (byte)0;
                }
                w.WriteStartObject();
                w.WriteNumber("l", u.Layer);
                w.WriteString("q", u.Quantity.Name());
                w.WriteNumber("u", u.Unit);
                w.WriteBoolean("gate", u.Quantity.IsGate());
                w.WriteNumber("min", Math.Round(min, 5));
                w.WriteNumber("max", Math.Round(max, 5));
                w.WriteStartArray("r");
                for (int f = 0; f < content.Correlation.Features; f++)
                {
                    double r = content.Correlation.R(u.Layer, u.Quantity, u.Unit, f);
                    if (double.IsNaN(r)) w.WriteNullValue(); else w.WriteNumberValue(Math.Round(r, 3));
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("table");
            foreach (var row in content.Table)
            {
                w.WriteStartObject();
                w.WriteNumber("unit", units.IndexOf(new UnitKey(row.Layer, row.Quantity, row.Unit)));
                w.WriteNumber("f", row.Feature);
                w.WriteNumber("r", Math.Round(row.R, 3));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("selected", units.IndexOf(content.Selected));
            // Base64 needs no escaping; written raw, because the writer's HTML-safe encoder would spell each + as \u002B.
            w.WritePropertyName("values");
            w.WriteRawValue("\"" + Convert.ToBase64String(values) + "\"", skipInputValidation: true);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteInts(Utf8JsonWriter w, string name, int[] values)
    {
        w.WriteStartArray(name);
        foreach (int v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static string Esc(string text) => WebUtility.HtmlEncode(text);

    // Runs right after PageErrors.Script (which records every error); the page script calls window.inspectDone(check)
    // after drawing, and the page is marked "ok" only if the check and the error log are clean.
    private const string StatusScript = """
(function () {
  var problems = window.rnnPageProblems; // PageErrors.Script, which runs first, fills it
  var drawn = null;
  window.inspectDone = function (problem) { drawn = problem; };
  window.addEventListener('load', function () {
    if (drawn === null) problems.push('the page script did not finish drawing');
    else if (drawn) problems.push(drawn);
    document.documentElement.setAttribute('data-inspect', problems.length === 0 ? 'ok' : 'error: ' + problems.join(' | '));
  });
})();

""";

    // Draws the text from the data, fills the selectors and tables, colours the text by the chosen unit, and shows the
    // predictions on hover. Ends by reporting to the status script whether the text and the colours were drawn.
    private const string PageScript = """
(function () {
  var d = JSON.parse(document.getElementById('inspect-data').textContent);
  var T = d.tokens.length, K = d.k;
  var raw = atob(d.values), bytes = new Uint8Array(raw.length);
  for (var b = 0; b < raw.length; b++) bytes[b] = raw.charCodeAt(b);
  var text = document.getElementById('text'), spans = [], frag = document.createDocumentFragment();
  for (var t = 0; t < T; t++) {
    var s = document.createElement('span'), piece = d.strings[d.tokens[t]];
    s.textContent = piece === '' ? '\u2205' : piece.replace(/\n/g, '\u21b5\n');
    s.setAttribute('data-t', t);
    frag.appendChild(s); spans.push(s);
  }
  text.appendChild(frag);
  function visible(str) { return str.replace(/\n/g, '\u21b5').replace(/ /g, '\u2423').replace(/\t/g, '\u21e5'); }
  function pct(p) { return (p / 100).toFixed(p >= 1000 ? 1 : 2) + '%'; }
  function fmt(r) { return r === null ? '—' : (r > 0 ? '+' : '') + r.toFixed(3); }

  var layerSel = document.getElementById('layer'), qSel = document.getElementById('quantity'), unitSel = document.getElementById('unit');
  function fill(sel, items, value) {
    sel.innerHTML = '';
    items.forEach(function (it) { var o = document.createElement('option'); o.value = it[0]; o.textContent = it[1]; sel.appendChild(o); });
    sel.value = String(value);
  }
  function unique(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }
  function best(u) {
    var bi = -1;
    u.r.forEach(function (r, i) { if (r !== null && (bi < 0 || Math.abs(r) > Math.abs(u.r[bi]))) bi = i; });
    return bi;
  }
  var current = -1;
  function valueAt(i, t) { var u = d.units[i]; return u.min + bytes[i * T + t] * (u.max - u.min) / 255; }
  function colour(x) {  // x in [-1, 1]: blue .. white .. red
    x = Math.max(-1, Math.min(1, x));
    var a = Math.round(255 - 200 * Math.abs(x));
    return x >= 0 ? 'rgb(255,' + a + ',' + a + ')' : 'rgb(' + a + ',' + a + ',255)';
  }
  function show(i) {
    current = i;
    var u = d.units[i];
    var layers = unique(d.units.map(function (x) { return x.l; }));
    fill(layerSel, layers.map(function (l) { return [l, String(l)]; }), u.l);
    var qs = unique(d.units.filter(function (x) { return x.l === u.l; }).map(function (x) { return x.q; }));
    fill(qSel, qs.map(function (q) { return [q, q]; }), u.q);
    var same = [];
    d.units.forEach(function (x, j) { if (x.l === u.l && x.q === u.q) same.push(j); });
    fill(unitSel, same.map(function (j) {
      var x = d.units[j], bi = best(x);
      return [j, x.u + (bi >= 0 ? '  (' + d.features[bi] + ' ' + fmt(x.r[bi]) + ')' : '')];
    }), i);
    var scale = Math.max(Math.abs(u.min), Math.abs(u.max)) || 1;
    for (var t = 0; t < T; t++) {
      var v = valueAt(i, t);
      spans[t].style.backgroundColor = colour(u.gate ? 2 * v - 1 : v / scale);
    }
    document.getElementById('legend').textContent = 'layer ' + u.l + ' ' + u.q + ' unit ' + u.u + ': ' +
      (u.gate ? 'blue 0 … red 1' : 'blue ' + (-scale).toFixed(3) + ' … red +' + scale.toFixed(3)) +
      ' (range ' + u.min.toFixed(3) + ' .. ' + u.max.toFixed(3) + ')';
    var body = document.querySelector('#unit-r tbody');
    body.innerHTML = '';
    d.features.forEach(function (f, k) {
      var tr = document.createElement('tr');
      tr.innerHTML = '<td></td><td class="num"></td>';
      tr.children[0].textContent = f; tr.children[1].textContent = fmt(u.r[k]);
      body.appendChild(tr);
    });
    document.querySelectorAll('#table tbody tr').forEach(function (tr) {
      tr.classList.toggle('on', Number(tr.getAttribute('data-unit')) === i);
    });
  }
  function pick(l, q, unit) {  // the same unit in another layer or quantity, else that quantity's first, else the layer's first
    var exact = -1, sameQ = -1, sameL = -1;
    d.units.forEach(function (x, j) {
      if (x.l !== l) return;
      if (sameL < 0) sameL = j;
      if (x.q !== q) return;
      if (sameQ < 0) sameQ = j;
      if (x.u === unit) exact = j;
    });
    show(exact >= 0 ? exact : sameQ >= 0 ? sameQ : sameL);
  }
  layerSel.addEventListener('change', function () { pick(Number(layerSel.value), d.units[current].q, d.units[current].u); });
  qSel.addEventListener('change', function () { pick(d.units[current].l, qSel.value, d.units[current].u); });
  unitSel.addEventListener('change', function () { show(Number(unitSel.value)); });

  var tbody = document.querySelector('#table tbody');
  d.table.forEach(function (row) {
    var u = d.units[row.unit], tr = document.createElement('tr');
    tr.setAttribute('data-unit', row.unit);
    [u.l, u.q, u.u, d.features[row.f], fmt(row.r)].forEach(function (c, j) {
      var td = document.createElement('td'); td.textContent = String(c); if (j === 4 || j === 2) td.className = 'num'; tr.appendChild(td);
    });
    tr.addEventListener('click', function () { show(row.unit); });
    tbody.appendChild(tr);
  });

  var tip = document.getElementById('tip');
  function tipHtml(t) {  // the predictions after token t, the actual next token marked
    var lines = ['<b>after ' + escapeHtml(visible(d.strings[d.tokens[t]])) + '</b> (value ' + valueAt(current, t).toFixed(3) + ')'];
    for (var j = 0; j < K; j++) {
      var tok = d.strings[d.topIds[t * K + j]], next = t + 1 < T && d.topIds[t * K + j] === d.tokens[t + 1];
      lines.push('<span class="p' + (next ? ' hit' : '') + '">' + escapeHtml(visible(tok)) + '</span> ' + pct(d.topP[t * K + j]));
    }
    if (d.nextP[t] !== null) lines.push('next: ' + escapeHtml(visible(d.strings[d.tokens[t + 1]])) + ' ' + pct(d.nextP[t]));
    return lines.join('<br>');
  }
  text.addEventListener('mouseover', function (e) {
    var s = e.target.closest('span[data-t]');
    if (!s) return;
    tip.innerHTML = tipHtml(Number(s.getAttribute('data-t')));
    tip.hidden = false;
    var box = s.getBoundingClientRect(), below = box.bottom + 6, height = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(window.innerWidth - tip.offsetWidth - 4, box.left)) + window.scrollX + 'px';
    tip.style.top = (below + height > window.innerHeight ? box.top - height - 6 : below) + window.scrollY + 'px';
  });
  text.addEventListener('mouseleave', function () { tip.hidden = true; });
  function escapeHtml(str) { return str.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }

  show(d.selected);
  tipHtml(0); tipHtml(T - 1); // build the hover text of the first and last positions once, so an error in it shows now
  var coloured = spans.filter(function (s) { return s.style.backgroundColor !== ''; }).length;
  window.inspectDone(spans.length !== T || T === 0 ? 'drew ' + spans.length + ' of ' + T + ' tokens'
    : coloured !== T ? 'coloured ' + coloured + ' of ' + T + ' tokens' : '');
})();

""";

    private const string Css = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5d6575; --line: #d9dde5; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1500px; padding: 20px 28px 40px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
h1 { font-size: 24px; margin: 0 0 4px; } h1 .sub { color: var(--muted); font-weight: 500; }
h2 { font-size: 16px; margin: 4px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.path, .note, footer { color: var(--muted); font-size: 13px; margin: 4px 0; }
.controls { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 12px 0; }
.controls select { font: inherit; }
.legend { color: var(--muted); font-size: 13px; }
.main { display: grid; grid-template-columns: minmax(0, 1fr) 400px; gap: 20px; align-items: start; }
.text { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; white-space: pre-wrap;
  font: 13px/1.55 ui-monospace, "DejaVu Sans Mono", monospace; max-height: 80vh; overflow-y: auto; word-break: break-all; }
.text span:hover { outline: 1px solid #222; }
aside { max-height: 80vh; overflow-y: auto; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); font-size: 13px; width: 100%; margin-bottom: 14px; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 500; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
#table tbody tr { cursor: pointer; } #table tbody tr:hover { background: #eef2fa; } #table tbody tr.on { background: #dfe7f7; font-weight: 600; }
.tip { position: absolute; z-index: 10; background: #fff; border: 1px solid #888; border-radius: 4px; padding: 4px 8px;
  font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; box-shadow: 0 2px 6px rgba(0,0,0,.2); pointer-events: none; white-space: pre; }
.tip .p { display: inline-block; min-width: 5em; background: #f0f0f0; } .tip .hit { background: #cfeccf; }
footer { margin-top: 20px; }

""";
}
