// ProbedActivation: one named activation tensor read out of a recurrent stack after a probe forward — its values at
// the valid (t, b) positions of the probe batch, flattened, and what kind of values they are. Names follow the
// training statistics' format: "layer0.h", "layer1.reverse.c", "encoder.layer0.gate_f".
namespace Recurrent.Layers;

/// <summary>A named activation's values (the valid positions of a probe batch) and their kind.</summary>
/// <param name="Name">e.g. "layer0.h", "layer0.reverse.gate_i", "decoder.layer1.c".</param>
/// <param name="Values">The values, in (t, b, unit) order over the valid positions.</param>
/// <param name="Kind">Their range, which defines saturation.</param>
public readonly record struct ProbedActivation(string Name, float[] Values, ActivationKind Kind);
