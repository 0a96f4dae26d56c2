// ParameterStore: a parameter that would take the flat store past what one array can hold is an
// ArgumentException naming it and the sizes, never an OverflowException from the element count.
using Recurrent.Tensors;

namespace Recurrent.Tests.Tensors;

public sealed class ParameterStoreSizeTests
{
    [Fact]
    public void TooManyValuesIsAnArgumentExceptionNamingTheParameter()
    {
        var store = new ParameterStore<float>();
        store.Add("small", ParameterRole.Weight, 10, 10);
        var e = Record.Exception(() => store.Add("huge", ParameterRole.Weight, 100_000, 100_000));
        var argument = Assert.IsType<ArgumentException>(e);
        Assert.Equal("shape", argument.ParamName);
        Assert.Contains("'huge' (100000, 100000)", argument.Message);
        Assert.Equal(100, store.Count); // nothing registered

        // Each fits alone, together they do not.
        store.Add("half", ParameterRole.Weight, 1 << 15, 1 << 15);
        Assert.Throws<ArgumentException>(() => store.Add("other half", ParameterRole.Weight, 1 << 15, 1 << 15));
    }
}
