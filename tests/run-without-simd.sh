#!/usr/bin/env bash
# run-without-simd.sh — re-runs the whole test suite with hardware intrinsics disabled (scalar paths), with
# AVX2 disabled (128-bit Vector<T>) and, on a CPU that has AVX-512, with it disabled (the AVX2 kernels; .NET 10 reads
# DOTNET_EnableAVX512), so every code path of the vectorised kernels is exercised on one machine (as ImageSharp does).
# GemmTests.SimdSettingFromEnvironment_IsInEffect fails if the runtime ignored a setting.
# Left out of these reruns, to keep CI near 20 minutes: DistributedCliTests, which start `mpirun -np 2` jobs of the CLI
# (about a minute a run; the same arithmetic on two ranks is covered in-process by DistributedTrainingTests, which do
# run here), and the ML.NET integration tests (EndToEnd.MlNet: ML.NET's plumbing around models whose kernels the rest
# of the suite covers; ONNX Runtime's kernels do not read these settings), and the image tests (Recurrent.Tests.Vision:
# ResNet18 through ONNX Runtime and Skia, native code that reads none of these settings) with the CLI's caption tests
# (CaptionCliTests, CaptionsDemoTests: the same ResNet18 features around a captioner whose gradient, learning and
# resume tests in Captioning and Gradients do run here).
# Usage: tests/run-without-simd.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build tests/Recurrent.Tests -c Release
settings="DOTNET_EnableHWIntrinsic=0 DOTNET_EnableAVX2=0"
# On a CPU without AVX-512 the run with it disabled takes exactly the main run's code paths (the AVX2 kernels), so
# it is run only where AVX-512 exists and disabling it changes something.
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    settings="$settings DOTNET_EnableAVX512=0"
else
    echo "=== no AVX-512 on this CPU: the main run already took the AVX2 paths; DOTNET_EnableAVX512=0 not rerun ==="
fi
for setting in $settings; do
    echo "=== tests with $setting ==="
    env "$setting" dotnet test tests/Recurrent.Tests -c Release --no-build --filter "FullyQualifiedName!~DistributedCliTests&FullyQualifiedName!~EndToEnd.MlNet&FullyQualifiedName!~Recurrent.Tests.Vision&FullyQualifiedName!~CaptionCliTests&FullyQualifiedName!~CaptionsDemoTests" "$@"
done
