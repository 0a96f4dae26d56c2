// TaggingResult: what an evaluation of the tagger measured — per-token accuracy (a confusion matrix over
// the tags) and chunk-level (entity) precision, recall and F1.
using Recurrent.Supervised;

namespace Recurrent.Tagging;

/// <summary>Per-token confusion matrix and per-entity scores of one evaluation.</summary>
public sealed record TaggingResult(ConfusionMatrix Tokens, EntityScorer Entities);
