// DemoProgress: one validation report during training of a built-in task.
namespace Recurrent.Demos;

/// <summary>A validation report: after <paramref name="Step"/> steps the training loss was <paramref name="Loss"/>
/// and the validation set gave <paramref name="Metric"/> (the criterion's metric); <paramref name="Stop"/> when
/// training stops here because the validation set meets the stop condition.</summary>
public readonly record struct DemoProgress(int Step, double Loss, double Metric, bool Stop);
