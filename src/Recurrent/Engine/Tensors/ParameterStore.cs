// ParameterStore: every trainable value of a model in one flat array, its gradient in a second of the
// same length (llm.c's layout). Layers register named parameters while the model is built; after Seal()
// the buffers exist and layers read/write their slices through the Parameter handles. Zeroing gradients
// is one Clear(), and optimizers, clipping and penalties are single loops over the flat buffers.
using System.Numerics;

namespace Recurrent.Tensors;

/// <summary>Flat storage for all parameters and gradients of a model, with named views.</summary>
/// <typeparam name="T">float for training; double for gradient checks.</typeparam>
public sealed class ParameterStore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Parameter> _parameters = new();
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);
    private T[]? _values;
    private T[]? _gradients;
    private int _count;

    /// <summary>Registers a parameter; allowed only before <see cref="Seal"/>.</summary>
    public Parameter Add(string name, ParameterRole role, params int[] shape)
    {
        if (_values is not null) throw new InvalidOperationException($"Cannot add parameter '{name}': the store is sealed.");
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("Parameter name must not be empty.", nameof(name));
        if (shape.Length == 0 || shape.Any(d => d <= 0))
            throw new ArgumentException($"Parameter '{name}' has invalid shape ({string.Join(", ", shape)}).", nameof(shape));
        if (_byName.ContainsKey(name)) throw new ArgumentException($"Duplicate parameter name '{name}'.", nameof(name));
        Int128 length = 1;
        foreach (int d in shape) length *= d;
        if (_count + length > Array.MaxLength)
            throw new ArgumentException(
                $"Parameter '{name}' ({string.Join(", ", shape)}) has {length:N0} values; with the {_count:N0} before it the model would have " +
                $"{_count + length:N0}, more than the {Array.MaxLength:N0} that one array (the flat parameter store) can hold. Use smaller sizes.", nameof(shape));
        var p = new Parameter(name, _count, (int[])shape.Clone(), role);
        _count += p.Length;
        _parameters.Add(p);
        _byName.Add(name, p);
        return p;
    }

    /// <summary>Allocates the flat buffers (zero-filled). Idempotent.</summary>
    public void Seal()
    {
        _values ??= new T[_count];
        _gradients ??= new T[_count];
    }

    /// <summary>Total number of scalar parameters.</summary>
    public int Count => _count;

    /// <summary>The registered parameters in registration order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>All parameter values, flat.</summary>
    public T[] Values => _values ?? throw new InvalidOperationException("ParameterStore is not sealed yet.");

    /// <summary>All gradients, flat, aligned with <see cref="Values"/>.</summary>
    public T[] Gradients => _gradients ?? throw new InvalidOperationException("ParameterStore is not sealed yet.");

    /// <summary>Looks a parameter up by its state_dict name.</summary>
    public Parameter this[string name] =>
        _byName.TryGetValue(name, out var p) ? p
        : throw new KeyNotFoundException($"No parameter named '{name}'. Known: {string.Join(", ", _byName.Keys)}.");

    /// <summary>True when a parameter with this name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The values of one parameter.</summary>
    public Span<T> Value(Parameter p) => Values.AsSpan(p.Offset, p.Length);

    /// <summary>The gradient of one parameter.</summary>
    public Span<T> Gradient(Parameter p) => Gradients.AsSpan(p.Offset, p.Length);

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Array.Clear(Gradients);
}
