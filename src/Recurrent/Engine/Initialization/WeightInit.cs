// WeightInit: the initialisation schemes a model can ask for.
namespace Recurrent.Initialization;

/// <summary>How a weight matrix is initialised.</summary>
public enum WeightInit
{
    /// <summary>PyTorch's defaults: recurrent weights and biases U(±1/√H); Linear U(±1/√in); Embedding N(0,1).</summary>
    PyTorchDefault,
    /// <summary>Glorot &amp; Bengio (2010) uniform, U(±√(6/(fan_in+fan_out))), per gate block.</summary>
    XavierUniform,
    /// <summary>Glorot &amp; Bengio (2010) normal, N(0, 2/(fan_in+fan_out)), per gate block.</summary>
    XavierNormal,
    /// <summary>U(±a) with a = <c>ModelConfig.UniformRange</c> (char-rnn uses 0.08 for everything).</summary>
    Uniform,
    /// <summary>Orthogonal gate blocks (Saxe et al. 2014), scaled by <c>ModelConfig.InitGain</c>; recurrent weights only.</summary>
    Orthogonal,
    /// <summary>Identity gate blocks scaled by <c>ModelConfig.InitGain</c> (IRNN, Le et al. 2015); recurrent weights only.</summary>
    Identity,
    /// <summary>All zeros.</summary>
    Zeros,
}
