// StackActivations: reads the activations a RecurrentStack's last forward left in its buffers — per layer and
// direction the hidden outputs h (T,B,H), the LSTM cell state c (T,B,H) and each gate's post-activation values from
// the gate buffer (T,B,G*H) — keeping only the valid positions (t < length[b]) of a padded batch. The training
// statistics' activation probe calls it right after an inference forward on its fixed probe batch.
using System.Numerics;
using System.Runtime.InteropServices;

namespace Recurrent.Layers;

internal static class StackActivations
{
    private static readonly string[] LstmGates = ["gate_i", "gate_f", "gate_g", "gate_o"];
    private static readonly string[] GruGates = ["gate_r", "gate_z", "gate_n"];

    /// <summary>
    /// The activations of <paramref name="stack"/>'s last forward, named "{prefix}layer{k}[.reverse].{h|c|gate_x}",
    /// layer by layer, forward direction first.
    /// </summary>
    public static List<ProbedActivation> Collect<T>(RecurrentStack<T> stack, string prefix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new List<ProbedActivation>();
        int steps = stack.StepsOfLastForward, batch = stack.BatchOfLastForward, h = stack.HiddenSize;
        string[] gateNames = stack.Kind switch { CellKind.Lstm => LstmGates, CellKind.Gru => GruGates, _ => [] };
        for (int k = 0; k < stack.Layers; k++)
            for (int d = 0; d < stack.Directions; d++)
            {
                var dir = stack.Direction(k, d);
                string name = $"{prefix}layer{k}" + (d == 1 ? ".reverse" : "");
                result.Add(new(name + ".h", Gather(stack, dir.Output, steps, batch, h, 0, h),
                    stack.Kind == CellKind.RnnRelu ? ActivationKind.Unbounded : ActivationKind.Squashed));
                if (stack.Kind == CellKind.Lstm)
                    result.Add(new(name + ".c", Gather(stack, dir.Cells, steps, batch, h, 0, h), ActivationKind.Unbounded)); // c itself is not squashed (its tanh is h/o)
                int gh = gateNames.Length * h;
                for (int g = 0; g < gateNames.Length; g++)
                {
                    // LSTM g and GRU n are the cell function's values (tanh, softsign); the rest are gates.
                    bool cellInput = gateNames[g] is "gate_g" or "gate_n";
                    result.Add(new(name + "." + gateNames[g], Gather(stack, dir.Gates, steps, batch, gh, g * h, h),
                        cellInput ? ActivationKind.Squashed : ActivationKind.Gate));
                }
            }
        return result;
    }

    // From rows (T,B,width), the columns [offset, offset+count) of each valid (t, b) row, as floats.
    private static float[] Gather<T>(RecurrentStack<T> stack, ReadOnlySpan<T> rows, int steps, int batch, int width, int offset, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int valid = 0;
        for (int b = 0; b < batch; b++) valid += stack.Length(b);
        var values = new float[valid * count];
        int at = 0;
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
            {
                if (t >= stack.Length(b)) continue;
                ReadOnlySpan<T> row = rows.Slice((t * batch + b) * width + offset, count);
                if (typeof(T) == typeof(float)) MemoryMarshal.Cast<T, float>(row).CopyTo(values.AsSpan(at, count));
                else for (int j = 0; j < count; j++) values[at + j] = float.CreateTruncating(row[j]);
                at += count;
            }
        return values;
    }
}
