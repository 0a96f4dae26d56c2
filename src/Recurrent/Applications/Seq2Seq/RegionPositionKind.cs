// RegionPositionKind: how an attending ConditionedGenerator tells the regions of its grid apart. A CNN's grid carries
// almost no absolute position (its features say what is in a region, not where the region is), and words such as
// "left of" need it, so learned vectors are added to every region's features before the decoder attends:
//   PerRegion  one vector per region, (R, F): ViT's learned position embeddings.
//   RowColumn  one vector per row and one per column of the square grid, (S, F) each, region r getting
//              row[r / S] + column[r % S]: DETR's learned row and column embeddings. "Above" depends on rows only and
//              "left of" on columns only, and each row's vector learns from every object anywhere in that row.
// Measured on the captions demo (docs/captioning.md): per-region vectors were better on the 7x7 grid, rows and
// columns on the 14x14 grid, where 196 separate vectors each see few objects.
namespace Recurrent.Seq2Seq;

/// <summary>Learned position vectors added to an attended grid's regions.</summary>
public enum RegionPositionKind
{
    /// <summary>No position vectors: the grid as given.</summary>
    None = 0,
    /// <summary>One learned vector per region (parameter position.weight, (R, F)).</summary>
    PerRegion,
    /// <summary>One learned vector per row and per column of a square grid (position.row.weight and position.column.weight, (S, F) each).</summary>
    RowColumn,
}
