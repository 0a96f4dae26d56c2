// RecurrentForecastSchemaMlNetTests: what the RecurrentForecast estimator refuses and how — a missing or non-Single
// series column (ML.NET's wording, ArgumentOutOfRangeException naming the column, at Fit, at GetOutputSchema of both
// the estimator and the transformer), a NaN row (named), a series too short for a training and a validation window,
// impossible options (ParamName the option); mlContext.Model.Save failing with NotSupportedException that names
// SaveRecurrentModel and CheckPoint; no PredictionEngine (stateful); an engine refusing to forecast before it holds L
// observations or to take a NaN. Also the band (lower ≤ forecast ≤ upper from three quantiles, the engine's bounds =
// Transform's), ValidationData (the engine then starts after its rows), progress and cancellation.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.ML;

namespace Recurrent.Tests.EndToEnd.MlNet;

public sealed class RecurrentForecastSchemaMlNetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recurrent-mlforecast-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RecurrentForecastOptions Tiny() => new() { WindowSize = 12, Horizon = 2, HiddenSize = 8, Epochs = 3, SeasonDifference = 0 };

    [Fact]
    public void A_missing_or_mistyped_series_column_is_named_as_ML_NET_names_it()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(MlNetForecastData.Seasonal(80)));
        var estimator = ml.Forecasting.RecurrentForecast(new RecurrentForecastOptions { InputColumnName = "Sales" });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(rows));
        Assert.Contains("Could not find series column 'Sales'", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(RecurrentTextShapeMlNetTests.ShapeOf(rows.Schema)));
        Assert.Contains("Could not find series column 'Sales'", e.Message);

        var doubles = ml.Data.LoadFromEnumerable(MlNetForecastData.Seasonal(80).Select(v => new DoubleSeriesRow { Value = v }));
        var valueEstimator = ml.Forecasting.RecurrentForecast("Forecast", "Value", windowSize: 12, horizon: 2, hiddenSize: 8, epochs: 3);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => valueEstimator.Fit(doubles));
        Assert.Contains("Schema mismatch for series column 'Value': expected Single, got Double", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => valueEstimator.GetOutputSchema(RecurrentTextShapeMlNetTests.ShapeOf(doubles.Schema)));
        Assert.Contains("Schema mismatch for series column 'Value': expected Single, got Double", e.Message);

        var model = ml.Forecasting.RecurrentForecast(Tiny()).Fit(rows);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(doubles));
        Assert.Contains("Schema mismatch for series column 'Value'", e.Message);
        var shape = valueEstimator.GetOutputSchema(RecurrentTextShapeMlNetTests.ShapeOf(rows.Schema));
        var forecast = SchemaShapeColumn(shape, "Forecast");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, forecast.Kind);
        Assert.Equal(NumberDataViewType.Single, forecast.ItemType);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), model.GetOutputSchema(rows.Schema)["Forecast"].Type);
    }

    [Fact]
    public void A_missing_value_names_its_row_and_a_short_series_says_what_it_needs()
    {
        var ml = new MLContext(seed: 1);
        float[] values = MlNetForecastData.Seasonal(80);
        values[37] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.RecurrentForecast(Tiny()).Fit(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(values))));
        Assert.Contains("'Value'", e.Message);
        Assert.Contains("row 37", e.Message);

        var shortSeries = ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(MlNetForecastData.Seasonal(15)));
        var tooShort = Assert.Throws<ArgumentException>(() => ml.Forecasting.RecurrentForecast(Tiny()).Fit(shortSeries));
        Assert.Contains("'Value' (15 rows)", tooShort.Message);
        Assert.Contains("window of 12 steps with horizon 2", tooShort.Message);
        Assert.Equal("input", tooShort.ParamName);
    }

    [Fact]
    public void Impossible_options_name_the_option()
    {
        var ml = new MLContext(seed: 1);
        Assert.Equal("Horizon", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.RecurrentForecast(new RecurrentForecastOptions { Horizon = 0 })).ParamName);
        Assert.Equal("WindowSize", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.RecurrentForecast("F", "Value", windowSize: 0, horizon: 1)).ParamName);
        Assert.Equal("ConfidenceLevel", Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Forecasting.RecurrentForecast("F", "Value", 12, 1, confidenceLevel: 1f, confidenceLowerBoundColumn: "Lo")).ParamName);
        Assert.Equal("ValidationFraction", Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Forecasting.RecurrentForecast(new RecurrentForecastOptions { ValidationFraction = 1 })).ParamName);
        Assert.Equal("OutputColumnName", Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Forecasting.RecurrentForecast("F", "Value", 12, 1, confidenceUpperBoundColumn: "F")).ParamName);
    }

    [Fact]
    public void Model_Save_fails_loudly_and_there_is_no_PredictionEngine()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(MlNetForecastData.Seasonal(80)));
        var model = ml.Forecasting.RecurrentForecast(Tiny()).Fit(rows);
        string zip = Path.Combine(_dir, "forecast.zip");
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, rows.Schema, zip));
        var notSupported = e as NotSupportedException ?? e.InnerException as NotSupportedException;
        Assert.NotNull(notSupported);
        Assert.Contains("RecurrentForecastTransformer.SaveRecurrentModel(path)", notSupported.Message);
        Assert.Contains("RecurrentForecastEngine.CheckPoint(path)", notSupported.Message);
        Assert.Contains("LoadRecurrentForecastEngine", notSupported.Message);
        Assert.False(model.IsRowToRowMapper);
        // ML.NET refuses a PredictionEngine on a transformer that is not row-to-row; asked directly, ours says what to use.
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Model.CreatePredictionEngine<SeriesRow, ForecastRow>(model));
        Assert.Contains("row to row mapper", refused.Message);
        var mapper = Assert.Throws<InvalidOperationException>(() => model.GetRowToRowMapper(rows.Schema));
        Assert.Contains("CreateForecastEngine()", mapper.Message);
    }

    [Fact]
    public void An_engine_needs_a_full_window_and_finite_observations()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Forecasting.RecurrentForecast(Tiny()).Fit(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(MlNetForecastData.Seasonal(80))));
        string plain = Path.Combine(_dir, "plain.rnn");
        // A core forecaster file without the ML.NET entry: default columns, an empty engine.
        Recurrent.Forecasting.ForecastFile.Save(plain, model.Forecaster);
        var engine = ml.Model.LoadRecurrentForecastEngine(plain);
        Assert.Equal(new ForecastColumnNames("Value", "Forecast", null, null), engine.Columns);
        var e = Assert.Throws<InvalidOperationException>(() => engine.Predict());
        Assert.Contains("holds 0 observation(s)", e.Message);
        engine.Update(MlNetForecastData.Seasonal(11));
        Assert.Throws<InvalidOperationException>(() => engine.Predict());
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Update(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Update([1f, float.PositiveInfinity]));
        Assert.Equal(11, engine.Observations.Count);
        engine.Update(MlNetForecastData.Seasonal(80).Skip(68));
        Assert.Equal(model.CreateForecastEngine().Predict(), engine.Predict());
    }

    [Fact]
    public void Bound_columns_come_from_quantile_forecasts_and_the_engine_gives_the_same_band()
    {
        var ml = new MLContext(seed: 1);
        float[] series = MlNetForecastData.Seasonal(120);
        var options = Tiny();
        options.Epochs = 15;
        options.LearningRate = 0.01;
        options.ConfidenceLowerBoundColumn = "Lower";
        options.ConfidenceUpperBoundColumn = "Upper";
        options.ConfidenceLevel = 0.8f;
        var model = ml.Forecasting.RecurrentForecast(options).Fit(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series)));
        Assert.Equal([0.1, 0.5, 0.9], model.Forecaster.Spec.Quantiles!.Select(q => Math.Round(q, 6)));
        var output = model.Transform(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series)));
        float[][] Column(string name) => output.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();
        float[][] forecast = Column("Forecast"), lower = Column("Lower"), upper = Column("Upper");
        int ordered = 0, counted = 0;
        for (int t = model.ObservationsNeeded - 1; t < series.Length; t++)
            for (int s = 0; s < 2; s++, counted++)
                if (lower[t][s] <= forecast[t][s] && forecast[t][s] <= upper[t][s]) ordered++;
        Assert.True(ordered >= 0.9 * counted, $"{ordered} of {counted} forecasts lie inside their band");
        var band = model.CreateForecastEngine().PredictWithBounds(2);
        Assert.Equal(forecast[^1], band.Forecast);
        Assert.Equal(lower[^1], band.LowerBound);
        Assert.Equal(upper[^1], band.UpperBound);
        Assert.Null(ml.Forecasting.RecurrentForecast(Tiny()).Fit(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series))).CreateForecastEngine().PredictWithBounds(2).LowerBound);
    }

    [Fact]
    public void ValidationData_continues_the_series_and_progress_and_cancellation_reach_the_loop()
    {
        var ml = new MLContext(seed: 1);
        float[] series = MlNetForecastData.Seasonal(100);
        var records = new List<Recurrent.Training.MetricsRecord>();
        var options = Tiny();
        options.ValidationData = ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series.Skip(80)));
        options.Progress = records.Add;
        var model = ml.Forecasting.RecurrentForecast(options).Fit(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series.Take(80))));
        Assert.Contains(records, r => r.ValidationLoss is not null);
        // The engine starts after the validation rows: the forecast Transform gives at the last of the 100 rows.
        var all = model.Transform(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series))).GetColumn<VBuffer<float>>("Forecast").Last().DenseValues().ToArray();
        Assert.Equal(all, model.CreateForecastEngine().Predict());

        using var cancel = new CancellationTokenSource();
        var cancelled = Tiny();
        cancelled.Epochs = 50;
        cancelled.Progress = _ => cancel.Cancel();
        cancelled.CancellationToken = cancel.Token;
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ml.Forecasting.RecurrentForecast(cancelled).Fit(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series))));
    }

    [Fact]
    public void It_fits_in_an_estimator_chain_and_a_NaN_blanks_only_the_windows_that_hold_it()
    {
        var ml = new MLContext(seed: 1);
        float[] series = MlNetForecastData.Seasonal(80);
        var rows = ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(series));
        var options = Tiny();
        options.InputColumnName = "Copy";
        var chain = ml.Transforms.CopyColumns("Copy", "Value").Append(ml.Forecasting.RecurrentForecast(options)).Fit(rows);
        var model = chain.LastTransformer;
        Assert.Equal(new ForecastColumnNames("Copy", "Forecast", null, null), model.Columns);
        int l = model.ObservationsNeeded;
        Assert.Equal(12, l);

        float[] gappy = (float[])series.Clone();
        gappy[40] = float.NaN;
        float[][] forecasts = chain.Transform(ml.Data.LoadFromEnumerable(MlNetForecastData.Rows(gappy)))
            .GetColumn<VBuffer<float>>("Forecast").Select(v => v.DenseValues().ToArray()).ToArray();
        for (int t = l - 1; t < gappy.Length; t++)
        {
            bool holdsGap = t >= 40 && t < 40 + l;
            Assert.True(holdsGap == forecasts[t].All(float.IsNaN), $"row {t}");
            if (!holdsGap)
            {
                double[] window = gappy.Skip(t - l + 1).Take(l).Select(v => (double)v).ToArray();
                Assert.Equal(model.Forecaster.PredictWindows(window, 1).Select(v => (float)v), forecasts[t]);
            }
        }
    }

    private static SchemaShape.Column SchemaShapeColumn(SchemaShape shape, string name) => shape.Single(c => c.Name == name);

    /// <summary>An output type for the PredictionEngine attempt.</summary>
    public sealed class ForecastRow
    {
        [VectorType(2)] public float[] Forecast { get; set; } = [];
    }
}
