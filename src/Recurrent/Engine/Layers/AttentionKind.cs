// AttentionKind: how an attention layer scores a decoder state against each encoder output.
namespace Recurrent.Layers;

/// <summary>
/// The score function of an <see cref="Attention{T}"/> layer (Luong et al. 2015, "Effective Approaches to
/// Attention-based Neural Machine Translation", §3.1; Bahdanau et al. 2015). <see cref="None"/> means no attention.
/// </summary>
public enum AttentionKind
{
    /// <summary>No attention: the decoder sees the source only through its initial state.</summary>
    None,
    /// <summary>Additive (Bahdanau et al. 2015): score(h, e) = vᵀ tanh(W_q h + W_k e + b_k).</summary>
    Bahdanau,
    /// <summary>Multiplicative, Luong's "general": score(h, e) = hᵀ W_a e.</summary>
    Luong,
    /// <summary>Multiplicative, Luong's "dot": score(h, e) = hᵀ e (needs encoder and decoder of the same width).</summary>
    LuongDot,
}
