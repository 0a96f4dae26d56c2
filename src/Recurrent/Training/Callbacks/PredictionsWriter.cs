// PredictionsWriter: the fit-loop callback that writes the run directory's predictions.json after every evaluation —
// {"step": S, ...} with what the evaluator (an IEvaluationDetails) says it predicted — replacing the file atomically
// (write a temporary file, then rename: ModelFile.WriteAtomically), so a dashboard polling it never reads half a
// file. With averaged weights the details are those of the average, which is what was evaluated. It only reads
// what the evaluation collected: no generator, no model state, so training runs the same with or without it.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recurrent.Serialization;

namespace Recurrent.Training.Callbacks;

/// <summary>Writes the latest evaluation's predictions to predictions.json.</summary>
public sealed class PredictionsWriter : FitCallback
{
    private static readonly UTF8Encoding Utf8 = new(false);
    // Texts as they are (apostrophes, accents, CJK), not \uXXXX: the file is read as JSON, never pasted into HTML.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly IEvaluationDetails _details;

    /// <summary>Writes <paramref name="details"/>' predictions to <paramref name="path"/> at every evaluation.</summary>
    public PredictionsWriter(string path, IEvaluationDetails details)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(details);
        Path = System.IO.Path.GetFullPath(path);
        _details = details;
    }

    /// <summary>The predictions.json file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public override void OnEvaluated(FitLoop loop, EvaluationReport evaluation)
    {
        if (_details.PredictionDetails() is not JsonObject details) return;
        var document = new JsonObject { ["step"] = evaluation.Step };
        foreach (string key in details.Select(p => p.Key).ToList())
        {
            JsonNode? value = details[key];
            details.Remove(key); // a node has one parent: move it
            document[key] = value;
        }
        byte[] bytes = Utf8.GetBytes(document.ToJsonString(Readable));
        ModelFile.WriteAtomically(Path, stream => stream.Write(bytes));
    }
}
