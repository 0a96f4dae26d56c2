// ForecastNormalization: how a forecaster puts a window's values on a common scale before the network sees them,
// and takes predictions back to the series' units. Window (the default for new models) expresses every window
// relative to itself — minus its last observed value, divided by its own standard deviation (reversible instance
// normalisation, Kim et al. 2022) — so a series that trends beyond anything seen in training still reaches the
// network in the range it was trained on, and series of different sizes become comparable. Global standardises
// with the training rows' mean and standard deviation (what model files from before this option hold). None feeds
// the values as they are.
using System.Text.Json.Serialization;

namespace Recurrent.Forecasting;

/// <summary>The scaling of a forecaster's windows.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForecastNormalization>))]
public enum ForecastNormalization
{
    /// <summary>(x − training mean) / training std, per column.</summary>
    Global,
    /// <summary>(x − the window's last value) / the window's std, per column and window.</summary>
    Window,
    /// <summary>Values as they are.</summary>
    None,
}
