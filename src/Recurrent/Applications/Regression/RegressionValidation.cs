// RegressionValidation: how the fit loop scores a SequenceRegressor on held-out sequences at each evaluation —
// val_loss, the mean squared error on the standardised targets (what training minimises; it decides the best
// weights and early stopping), and val_mae, the mean absolute error in the label's own units.
using Recurrent.Training;

namespace Recurrent.Regression;

internal sealed class RegressionValidation(SequenceRegressor regressor, IReadOnlyList<float[]> inputs, float[] labels, int batchSize) : IEvaluator
{
    public Evaluation Evaluate()
    {
        double[] predicted = regressor.Predict(inputs, batchSize);
        double squares = 0, absolute = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double error = predicted[i] - labels[i];
            squares += error / regressor.TargetStd * (error / regressor.TargetStd);
            absolute += Math.Abs(error);
        }
        return new Evaluation([new("val_loss", squares / labels.Length), new("val_mae", absolute / labels.Length)], "val_loss", HigherIsBetter: false);
    }
}
