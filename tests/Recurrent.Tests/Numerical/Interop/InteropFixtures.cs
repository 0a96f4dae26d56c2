// InteropFixtures: the PyTorch interop fixtures written by tools/interop/make_interop.py (torch 1.13):
// per case a state_dict (safetensors), its architecture (JSON) and torch's input/initial state/outputs. The
// structured cases (layer-normalised LSTM/GRU, Mogrifier LSTM) come from the script's own torch twin of those cells;
// ONNX cannot express them, so OnnxCases leaves them out and StructuredCases lists them.
using Recurrent.Interop;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Tests.Interop;

public static class InteropFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "interop");

    /// <summary>Every case the script writes (one theory row each).</summary>
    public static TheoryData<string> Cases() => new(Names());

    /// <summary>The cases ONNX's LSTM/GRU/RNN operators can express (no layer normalisation, no Mogrifier).</summary>
    public static TheoryData<string> OnnxCases() => new(Names().Where(n => !IsStructured(n)));

    /// <summary>The layer-normalised and Mogrifier cases.</summary>
    public static TheoryData<string> StructuredCases() => new(StructuredNames());

    /// <summary>The names of <see cref="StructuredCases"/>.</summary>
    public static IReadOnlyList<string> StructuredNames() => Names().Where(IsStructured).ToList();

    private static IEnumerable<string> Names() =>
        System.IO.Directory.GetFiles(Directory, "*.arch.json").OrderBy(f => f, StringComparer.Ordinal).Select(f => Path.GetFileName(f)[..^".arch.json".Length]);

    /// <summary>Whether the case's architecture has layer normalisation or the Mogrifier.</summary>
    public static bool IsStructured(string name)
    {
        var c = PyTorchImport.ReadConfig(Arch(name));
        return c.LayerNorm || c.MogrifierRounds > 0;
    }

    public static string StateDict(string name) => Path.Combine(Directory, name + ".state_dict.safetensors");
    public static string Arch(string name) => Path.Combine(Directory, name + ".arch.json");
    public static SafeTensorsContent Io(string name) => SafeTensors.Read(Path.Combine(Directory, name + ".io.safetensors"));

    /// <summary>The fixture's state_dict loaded through the import path.</summary>
    public static SequenceModel<float> Import(string name) => PyTorchImport.Load(StateDict(name), PyTorchImport.ReadConfig(Arch(name)));

    /// <summary>Runs <paramref name="model"/> on the fixture's input and initial state; returns (T, B).</summary>
    public static (int Steps, int Batch) Run(SequenceModel<float> model, SafeTensorsContent io)
    {
        var input = io.Find("input")!;
        int steps = input.Shape[0], batch = input.Shape[1];
        io.Find("initial_h")!.Data.CopyTo(model.InitialH(batch));
        if (model.Config.Cell.HasCellState()) io.Find("initial_c")!.Data.CopyTo(model.InitialC(batch));
        if (model.Config.Input == InputKind.Dense) model.Forward(input.Data, steps, batch, training: false);
        else model.Forward(input.Data.Select(v => (int)v).ToArray(), steps, batch, training: false);
        return (steps, batch);
    }

    public static double[] D(float[] v) => v.Select(x => (double)x).ToArray();
}
