// SceneObject: one filled shape of a generated scene, placed in unit image coordinates ((0,0) top-left, (1,1)
// bottom-right, y down) so that a scene renders at any pixel size. Its square bounding box of side Size centred at
// (CenterX, CenterY) contains the whole shape; the generator keeps boxes apart, so shapes never overlap.
namespace Recurrent.Vision.Scenes;

/// <summary>An 8-bit RGB colour, the exact fill a shape or background is rendered with.</summary>
/// <param name="R">Red, 0–255.</param>
/// <param name="G">Green, 0–255.</param>
/// <param name="B">Blue, 0–255.</param>
public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>One shape of a scene: what it is, its jittered fill, and its bounding box in unit coordinates.</summary>
/// <param name="Color">The colour name captions use.</param>
/// <param name="Shape">The outline.</param>
/// <param name="Fill">The exact (jittered) fill colour.</param>
/// <param name="CenterX">Centre of the bounding box, fraction of the image width (0 = left).</param>
/// <param name="CenterY">Centre of the bounding box, fraction of the image height (0 = top).</param>
/// <param name="Size">Side of the square bounding box, fraction of the image side.</param>
public readonly record struct SceneObject(ShapeColor Color, ShapeKind Shape, Rgb Fill, double CenterX, double CenterY, double Size)
{
    /// <summary>Left edge of the bounding box.</summary>
    public double Left => CenterX - Size / 2;
    /// <summary>Right edge of the bounding box.</summary>
    public double Right => CenterX + Size / 2;
    /// <summary>Top edge of the bounding box.</summary>
    public double Top => CenterY - Size / 2;
    /// <summary>Bottom edge of the bounding box.</summary>
    public double Bottom => CenterY + Size / 2;
}
