// ForecastFile: saving and loading a forecasting model: the usual model file (ModelFile) whose task description
// (metadata "task", as TaskModelFile) is {"task": "forecast", "spec": ForecastSpec} — columns,
// standardisation, window and horizon. A forecast run's checkpoints are such files that also hold the training
// state and optimizer moments, so every command that reads a forecaster reads them too.
using System.Text.Json;
using System.Text.Json.Nodes;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Supervised;

namespace Recurrent.Forecasting;

/// <summary>Saves and loads <see cref="Forecaster"/>s.</summary>
public static class ForecastFile
{
    /// <summary>The task name in the model file's task description.</summary>
    public const string Task = "forecast";

    /// <summary>Writes the model and its spec atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, Forecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        ModelFile.SaveTask(path, forecaster.Model.Config, forecaster.Model.Parameters, Metadata(forecaster));
    }

    /// <summary>
    /// The metadata entries that make a model file a forecasting model: its task description under "task" (for
    /// writers that add a training state and optimizer, such as a run's checkpoints).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Metadata(Forecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        var task = new JsonObject { ["task"] = Task, ["spec"] = JsonNode.Parse(forecaster.Spec.ToJson()) };
        return new Dictionary<string, string> { [TaskModelFile.TaskKey] = task.ToJsonString() };
    }

    /// <summary>Reads a model written by <see cref="Save"/>; throws InvalidDataException naming the file when it is not one.</summary>
    public static Forecaster Load(string path)
    {
        var (content, meta) = ModelFile.ReadWithMetadata(path);
        string? name, specJson;
        try
        {
            JsonNode? task = meta.TryGetValue(TaskModelFile.TaskKey, out var json) ? JsonNode.Parse(json) : null;
            name = task?["task"]?.GetValue<string>();
            specJson = task?["spec"]?.ToJsonString();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}': the task description cannot be read ({e.Message}).");
        }
        if (name != Task) throw new InvalidDataException($"'{path}' is not a forecasting model (its task is '{name ?? "language model"}').");
        ForecastSpec spec;
        try { spec = ForecastSpec.FromJson(specJson ?? "null"); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}': {e.Message}"); }
        SequenceModel<float> model = ModelFile.CreateModel(content, path);
        try { return new Forecaster(model, spec); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{path}': {e.Message}"); }
    }
}
