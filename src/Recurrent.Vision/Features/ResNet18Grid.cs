// ResNet18Grid: which spatial map of the network the attention reads, and so what the features of an image are.
// ResNet18 halves its map at each of its four stages; two of them are useful grids for captioning a 224x224 picture:
//
//   7x7    the last stage's output, (512, 7, 7), the map the network average-pools into its 512-vector. Each cell's
//          receptive field covers most of the picture: semantic, but nearly position-free. The cs231n set-up and the
//          default.
//   14x14  the third stage's output, (256, 14, 14), before the last stage halves it again (Show, Attend and Tell
//          attends over a 14x14 map, of VGG). Cells are 16 pixels apart and see less of the picture, so where a thing
//          is stays in the grid. The captions demo attends over it (docs/captioning.md has the runs with both).
//
// The pooled vector that starts the decoder is always the mean of the grid's regions: for 7x7 that is the graph's own
// output (Pooling395_Output_0, checked equal in the tests); for 14x14 it is computed here, the "mean annotation" Show,
// Attend and Tell starts from. The tensor names are those of the package's CNTK export (listed with a throwaway
// protobuf dump: the 9 residual blocks end in ReLU269 ... ReLU393; ReLU347 is the last one at 14x14 before the
// stride-2 block ReLU365).
//
// Description is what a model file and a feature cache record; a model trained on one grid is read back with the
// same grid (FromDescription), and a cache of another grid is recomputed.
namespace Recurrent.Vision;

/// <summary>A spatial map of ResNet18 used as the attention grid: its size and channels.</summary>
public sealed record ResNet18Grid
{
    private ResNet18Grid(string name, string? tensor, int side, int channels, string description) =>
        (Name, Tensor, Side, Channels, Description) = (name, tensor, side, channels, description);

    /// <summary>The last stage's 7x7x512 map, which the network pools into its 512-vector (the default).</summary>
    public static ResNet18Grid Last { get; } = new("7x7", tensor: null, side: 7, channels: 512,
        "resnet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0), pooled 512 + grid 7x7x512");

    /// <summary>The third stage's 14x14x256 map: finer cells that keep where things are.</summary>
    public static ResNet18Grid Stage3 { get; } = new("14x14", tensor: "ReLU347_Output_0", side: 14, channels: 256,
        "resnet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0), pooled 256 + grid 14x14x256 (layer3)");

    /// <summary>Every grid, the default first.</summary>
    public static IReadOnlyList<ResNet18Grid> All { get; } = [Last, Stage3];

    /// <summary>How the command line names it: "7x7" or "14x14".</summary>
    public string Name { get; }
    /// <summary>The graph tensor made an output; null: the input of the final average pooling.</summary>
    internal string? Tensor { get; }
    /// <summary>Side of the square grid.</summary>
    public int Side { get; }
    /// <summary>Regions R = Side * Side.</summary>
    public int Regions => Side * Side;
    /// <summary>Channels of each region, and length of the pooled vector.</summary>
    public int Channels { get; }
    /// <summary>What the features are; model files and feature caches keep it.</summary>
    public string Description { get; }

    /// <summary>The grid named <paramref name="name"/> ("7x7" or "14x14", case-insensitive; "7" and "14" too), or null.</summary>
    public static ResNet18Grid? FromName(string name) =>
        All.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase)
                                || name == g.Side.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The grid whose <see cref="Description"/> this is, or null (features of something else).</summary>
    public static ResNet18Grid? FromDescription(string? description) => All.FirstOrDefault(g => g.Description == description);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
