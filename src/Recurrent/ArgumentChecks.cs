// ArgumentChecks.cs — the argument checks of the whole library (optimizers, gradient clipping, schedules, ...).
// Each throws an ArgumentOutOfRangeException (an ArgumentException) naming the parameter and the bad value.
// Internal: not part of the public API.
using System.Runtime.CompilerServices;

namespace Recurrent;

internal static class ArgumentChecks
{
    /// <summary>Requires a finite value that is zero or more.</summary>
    public static void NonNegativeFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and >= 0, but was {value}.");
        }
    }

    /// <summary>Requires a finite value strictly greater than zero.</summary>
    public static void PositiveFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0, but was {value}.");
        }
    }

    /// <summary>Requires a value in [0, 1), the range of momentum and moving-average decay rates.</summary>
    public static void UnitInterval(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1), but was {value}.");
        }
    }

    /// <summary>Requires a count that is zero or more.</summary>
    public static void NonNegative(long value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 0, but was {value}.");
        }
    }
}
