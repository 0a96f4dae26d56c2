// ModelFileTasks: model files written from any ParameterStore — so composed models such as an encoder–decoder
// can be saved — in the same safetensors format, with the same checksum and atomic write as ModelFile.Save and
// extra metadata entries (a task model's description under "task", as TaskModelFile reads it). The "config"
// entry is still a ModelConfig, so every model file reads the same way.
using System.Text.Json;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Serialization;

public static partial class ModelFile
{
    /// <summary>
    /// Writes the parameters in <paramref name="parameters"/> with <paramref name="config"/> and the task description
    /// and other entries of <paramref name="extraMetadata"/>; <see cref="Write"/> with no training state.
    /// </summary>
    public static void SaveTask(string path, ModelConfig config, ParameterStore<float> parameters,
        IReadOnlyDictionary<string, string> extraMetadata, string? tokenizerJson = null)
    {
        ArgumentNullException.ThrowIfNull(extraMetadata);
        Write(path, config, parameters, extraMetadata, tokenizerJson);
    }

    /// <summary>Reads and verifies a model file as <see cref="Read"/> does and also returns all its metadata entries.</summary>
    public static (ModelFileContent Content, IReadOnlyDictionary<string, string> Metadata) ReadWithMetadata(string path)
    {
        ModelFileContent content = Read(path);
        return (content, SafeTensors.Read(path).Metadata);
    }

    /// <summary>Copies tensors into a parameter store; every parameter must be present with its exact shape and nothing extra.</summary>
    public static void LoadParameters(ParameterStore<float> store, IReadOnlyList<NamedTensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tensors);
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var p in store.Parameters)
        {
            if (!byName.TryGetValue(p.Name, out var t))
                throw new InvalidDataException($"'{source}' has no tensor '{p.Name}' {p.ShapeText}, which the model needs.");
            if (!t.Shape.SequenceEqual(p.Shape))
                throw new InvalidDataException($"'{source}': tensor '{p.Name}' has shape ({string.Join(", ", t.Shape)}); the model needs {p.ShapeText}.");
            t.Data.CopyTo(store.Value(p));
        }
        var extra = byName.Keys.Where(k => !store.Contains(k)).ToList();
        if (extra.Count > 0)
            throw new InvalidDataException($"'{source}' has tensors the model does not use: {string.Join(", ", extra)}.");
    }
}
