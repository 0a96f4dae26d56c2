// LanguageModelValidation: the language model's evaluator for the fit loop — mean next-token cross-entropy over
// the whole validation stream (LanguageModelEvaluator), dropout off. Evaluation runs the model with another batch
// size, which replaces its state buffers, so the training state carried between windows is captured before and
// put back after. In a data-parallel job (a reducer) the stream's rows are split over the ranks and the sums reduced.
using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.LanguageModels;

/// <summary>Validation loss (nats/token) of a language model, monitored low.</summary>
internal sealed class LanguageModelValidation(SequenceModel<float> model, TokenStream validation, int batch, int sequenceLength,
    CarriedState carried, IGradientReducer? reducer = null) : IEvaluator
{
    public Evaluation Evaluate()
    {
        carried.Capture(model);
        try
        {
            return Evaluation.OfLoss(LanguageModelEvaluator.Evaluate(model, validation, batch, sequenceLength, reducer).MeanLoss);
        }
        finally
        {
            carried.Restore(model);
        }
    }
}
