// ActivationNameConverter: reads and writes CellActivation and GateActivation in a model's configuration JSON by
// name only ("Softsign", "HardSigmoid"; any letter case on reading). An unknown name — a file from a newer build,
// or edited — or a bare number is refused with a JsonException that names the value and the names this build
// knows, which ModelFile wraps into its "not a usable model file" message naming the file.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recurrent.Models;

/// <summary>Enum-by-name JSON for the activation choices of <see cref="ModelConfig"/>.</summary>
internal sealed class ActivationNameConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string known = string.Join(", ", Enum.GetNames<TEnum>());
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"{typeof(TEnum).Name} must be one of {known} (a name), not a {reader.TokenType}");
        string text = reader.GetString()!;
        foreach (var value in Enum.GetValues<TEnum>())
            if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase)) return value;
        throw new JsonException($"{typeof(TEnum).Name} '{text}' is not one this build knows ({known})");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
