// ForgetGateBiasMlNetTests: RecurrentOptionsBase.ForgetGateBias (and RecurrentForecastOptions') in ML.NET — the
// trained LSTM's configuration holds the value and its forget block starts there (still within a hair of it after an
// epoch at a tiny learning rate); left at null, the trained model is bit for bit the one an explicit 1 gives (the
// model's default, as before the option existed); a non-finite value is refused when the trainer is made.
using Microsoft.ML;
using Recurrent.ML;
using Recurrent.Models;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class ForgetGateBiasMlNetTests
{
    private static RecurrentTextOptions Small(double? bias, double lr = 0.02) => new()
    {
        LabelColumnName = "Label", TextColumnName = "Text", Tokens = "word", HiddenSize = 8, EmbeddingSize = 4, Epochs = 1, BatchSize = 16,
        LearningRate = lr, Seed = 3, ForgetGateBias = bias,
    };

    private static SequenceModel<float> Fit(RecurrentTextOptions options)
    {
        var ml = new MLContext(seed: 1);
        var train = MlNetTextData.View(ml, MlNetTextData.Rows(64, seed: 1));
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        return ml.MulticlassClassification.Trainers.RecurrentText(options).Fit(keys.Transform(train)).Classifier.Model;
    }

    [Fact]
    public void The_text_trainer_starts_the_lstm_at_the_given_forget_bias()
    {
        var model = Fit(Small(3, lr: 1e-6));
        Assert.Equal(3.0, model.Config.ForgetGateBias);
        int h = model.Config.HiddenSize;
        var ih = model.Parameters.Value(model.Parameters["rnn.bias_ih_l0"]).Slice(h, h).ToArray();
        Assert.All(ih, v => Assert.InRange(v, 3 - 1e-3, 3 + 1e-3));
    }

    [Fact]
    public void Left_at_null_the_model_is_the_default_one_bit_for_bit()
    {
        var byDefault = Fit(Small(null));
        var explicitOne = Fit(Small(ModelConfig.DefaultForgetGateBias));
        Assert.Equal(ModelConfig.DefaultForgetGateBias, byDefault.Config.ForgetGateBias);
        Assert.Equal(byDefault.Config, explicitOne.Config);
        Assert.Equal(byDefault.Parameters.Values, explicitOne.Parameters.Values);
        Assert.NotEqual(byDefault.Parameters.Values, Fit(Small(3)).Parameters.Values);
    }

    [Fact]
    public void The_sequence_and_forecast_options_pass_it_on_and_a_non_finite_value_is_refused()
    {
        Assert.Equal(2.0, new RecurrentSequenceOptions { ForgetGateBias = 2 }.ToSettings().ForgetGateBias);
        Assert.Null(new RecurrentSequenceOptions().ToSettings().ForgetGateBias);
        Assert.Equal(2.0, new RecurrentForecastOptions { ForgetGateBias = 2 }.ToSettings().ForgetGateBias);
        Assert.Null(new RecurrentForecastOptions().ToSettings().ForgetGateBias);

        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.RecurrentText(Small(double.NaN)));
        Assert.Equal(nameof(RecurrentOptionsBase.ForgetGateBias), e.ParamName);
        var f = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Forecasting.RecurrentForecast(new RecurrentForecastOptions { InputColumnName = "Value", OutputColumnName = "Forecast", ForgetGateBias = double.PositiveInfinity }));
        Assert.Equal(nameof(RecurrentForecastOptions.ForgetGateBias), f.ParamName);
    }
}
