// InputKind and HeadKind: how a SequenceModel reads its inputs and where its output head looks.
namespace Recurrent.Layers;

/// <summary>How input sequences are presented to a model.</summary>
public enum InputKind
{
    /// <summary>Token ids looked up in a trained embedding table (nn.Embedding).</summary>
    Embedding,
    /// <summary>Token ids as one-hot vectors of the vocabulary size (min-char-rnn, char-rnn).</summary>
    OneHot,
    /// <summary>Real-valued feature vectors per step (time series, regression).</summary>
    Dense,
}

/// <summary>Where the output head is applied.</summary>
public enum HeadKind
{
    /// <summary>Many-to-many: one output per step, (T, B, O).</summary>
    PerStep,
    /// <summary>
    /// Many-to-one: one output per sequence, (B, O), from the final state of each direction of the top layer
    /// (the last step forward; for a bidirectional stack also the reverse direction's output at step 0, as Keras' Bidirectional).
    /// </summary>
    LastStep,
}
