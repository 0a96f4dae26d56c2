// ForecastFile: saving and loading a forecasting model: the usual model file (ModelFile) whose task description
// (metadata "task", as TaskModelFile) is {"task": "forecast", "spec": ForecastSpec} — columns,
// standardisation, window and horizon. A forecast run's checkpoints are such files that also hold the training
// state and optimizer moments, so every command that reads a forecaster reads them too.
using System.Text.Json;
using Recurrent.Applications;
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
        using var spec = JsonDocument.Parse(forecaster.Spec.ToJson());
        return new ForecastDescription(spec.RootElement.Clone()).ToMetadata();
    }

    /// <summary>Reads a model written by <see cref="Save"/>; throws InvalidDataException naming the file when it is not one.</summary>
    public static Forecaster Load(string path)
    {
        var (content, meta) = ModelFile.ReadWithMetadata(path);
        var task = TaskDescription.Read(meta, path);
        if (task is not ForecastDescription d)
            throw new InvalidDataException($"'{path}' is not a forecasting model (its task is '{task?.Name ?? "language model"}').");
        string specJson = d.Spec.GetRawText();
        ForecastSpec spec;
        try { spec = ForecastSpec.FromJson(specJson); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}': {e.Message}"); }
        SequenceModel<float> model = ModelFile.CreateModel(content, path);
        try { return new Forecaster(model, spec); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{path}': {e.Message}"); }
    }
}
