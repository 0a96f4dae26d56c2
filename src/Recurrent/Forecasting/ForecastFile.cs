// ForecastFile: saving and loading a forecasting model: the usual model file (ModelFile) with "task":
// "forecast" and a "forecast" entry holding the ForecastSpec (columns, standardisation, window, horizon).
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Forecasting;

/// <summary>Saves and loads <see cref="Forecaster"/>s.</summary>
public static class ForecastFile
{
    /// <summary>The "task" metadata value and the key of the spec entry.</summary>
    public const string Task = "forecast";

    /// <summary>Writes the model and its spec atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, Forecaster forecaster)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        ModelFile.SaveTask(path, forecaster.Model.Config, forecaster.Model.Parameters, new Dictionary<string, string>
        {
            [ModelFile.TaskKey] = Task,
            [Task] = forecaster.Spec.ToJson(),
        });
    }

    /// <summary>Reads a model written by <see cref="Save"/>; throws InvalidDataException naming the file when it is not one.</summary>
    public static Forecaster Load(string path)
    {
        var (content, meta) = ModelFile.ReadWithMetadata(path);
        if (meta.GetValueOrDefault(ModelFile.TaskKey) != Task || !meta.TryGetValue(Task, out var json))
            throw new InvalidDataException($"'{path}' is not a forecasting model (its task is '{meta.GetValueOrDefault(ModelFile.TaskKey) ?? "language model"}').");
        ForecastSpec spec;
        try { spec = ForecastSpec.FromJson(json); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}': {e.Message}"); }
        SequenceModel<float> model = ModelFile.CreateModel(content, path);
        try { return new Forecaster(model, spec); }
        catch (ArgumentException e) { throw new InvalidDataException($"'{path}': {e.Message}"); }
    }
}
