// ResNet18Features: image features from the pretrained ResNet18 that ML.NET's DnnImageFeaturizer ships
// (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0: a CNTK ImageNet model exported to ONNX, opset 8), run through
// ONNX Runtime on the CPU. Per image: a spatial grid of the network (ResNet18Grid: the last stage's 7x7x512 by
// default, or the third stage's 14x14x256), region-major (region r = row * side + col), and the pooled vector, the
// mean of the grid's regions.
//
// The graph (inspected with a throwaway protobuf dump): input "Input247" (1, 3, 224, 224) float; output
// "Pooling395_Output_0" (1, 512, 1, 1) = AveragePool 7x7 of "ReLU393_Output_0" (1, 512, 7, 7), the last residual
// block's ReLU. OnnxModelSurgery adds the chosen grid as an output and frees the batch dimension; the edited model is
// loaded from bytes (nothing written to disk). For the 7x7 grid the pooled vector is the graph's output; for 14x14
// it is the mean of the grid, computed here.
//
// Preprocessing, done here in C# (one pass, any batch size) rather than by running the package's preprocessing graph:
// ResNetPreprocess.onnx takes RGB planes of 0..255 values (what ML.NET's ExtractPixels gives: no scaling), reorders
// them to BGR (Split + Concat) and subtracts "MeanImage", a per-pixel (1, 3, 224, 224) BGR mean (about 103, 116, 123
// on average per channel; no division by a standard deviation). So each image is drawn onto a white 224x224 RGBA
// canvas (transparent pixels become white), stretched to the whole square (the aspect ratio is not kept: nothing is
// cropped away, which matters for captions about the whole picture) with mipmapped linear filtering when shrinking
// by more than 2x, Mitchell cubic otherwise and pixel for pixel at 224x224, and written as B, G, R planes of 0..255 minus the mean image read
// from ResNetPreprocess.onnx (found beside the model: ../ResNetPrepOnnx/ResNetPreprocess.onnx).
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Recurrent.Vision;

/// <summary>Features of one image from <see cref="ResNet18Features"/>.</summary>
/// <param name="Pooled">The mean of the grid's regions, (C): for the default 7x7 grid the network's own pooled
/// 512-vector.</param>
/// <param name="Grid">The spatial map, (R, C) region-major: region r = row * side + col, then the C channels
/// (ResNet18Grid: 49 x 512 or 196 x 256).</param>
public sealed record ImageFeatures(float[] Pooled, float[] Grid);

/// <summary>
/// A pretrained ResNet18 (ImageNet; from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0) run with
/// ONNX Runtime: per image a spatial grid (<see cref="ResNet18Grid"/>) and its mean, the pooled vector (He et al.,
/// "Deep Residual Learning for Image Recognition", 2016). Not thread-safe: use one instance per thread.
/// </summary>
public sealed class ResNet18Features : IDisposable
{
    /// <summary>Side of the square network input, in pixels.</summary>
    public const int InputSize = 224;
    /// <summary>Most images run through the network at once.</summary>
    public const int MaxBatch = 16;
    /// <summary>Environment variable that, when set, names the ResNet18.onnx file to use.</summary>
    public const string ModelPathVariable = "RECURRENT_RESNET18";

    private const string PackageNote = "The file comes from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0, " +
        "which building Recurrent.Vision copies to DnnImageModels/ beside the application; rebuild, or set " +
        ModelPathVariable + " to the ResNet18.onnx in ~/.nuget/packages/microsoft.ml.dnnimagefeaturizer.resnet18/0.24.0/tools/DnnImageModels/ResNet18Onnx/.";

    private const int PlaneSize = InputSize * InputSize;
    private readonly InferenceSession _session;
    private readonly string _inputName, _pooledName, _gridName;
    private readonly float[] _meanImage;   // (3, 224, 224) B, G, R planes
    private int _imagesComputed;

    /// <summary>Loads the model.</summary>
    /// <param name="modelPath">ResNet18.onnx; null: <c>RECURRENT_RESNET18</c> when set, else
    /// <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c> under <see cref="AppContext.BaseDirectory"/>.</param>
    /// <param name="threads">ONNX Runtime intra-op threads; 0 lets it choose.</param>
    /// <param name="grid">The grid the features hold; null: <see cref="ResNet18Grid.Last"/> (7x7x512).</param>
    /// <exception cref="FileNotFoundException">The model or its preprocessing file is missing.</exception>
    public ResNet18Features(string? modelPath = null, int threads = 0, ResNet18Grid? grid = null)
    {
        Grid = grid ?? ResNet18Grid.Last;
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        string? fromEnvironment = Environment.GetEnvironmentVariable(ModelPathVariable);
        ModelPath = Path.GetFullPath(modelPath
            ?? (string.IsNullOrEmpty(fromEnvironment) ? Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx") : fromEnvironment));
        if (!File.Exists(ModelPath))
            throw new FileNotFoundException($"The ResNet18 model was not found at '{ModelPath}'. {PackageNote}", ModelPath);
        string preprocessPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ModelPath)!, "..", "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
        if (!File.Exists(preprocessPath))
            throw new FileNotFoundException($"The ResNet18 preprocessing graph (its mean image) was not found at '{preprocessPath}', " +
                $"where it belongs beside '{ModelPath}'. {PackageNote}", preprocessPath);

        var (meanDims, mean) = OnnxModelSurgery.ReadInitializer(File.ReadAllBytes(preprocessPath), "MeanImage", preprocessPath);
        if (mean.Length != 3 * PlaneSize)
            throw new InvalidDataException($"'{preprocessPath}': MeanImage has dims ({string.Join(", ", meanDims)}), expected (1, 3, {InputSize}, {InputSize}).");
        _meanImage = mean;

        var rewritten = OnnxModelSurgery.AddGridOutputAndFreeBatch(File.ReadAllBytes(ModelPath), ModelPath, Grid);
        (_inputName, _pooledName, _gridName) = (rewritten.InputName, rewritten.PooledName, rewritten.GridName);
        using var options = new SessionOptions { ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, IntraOpNumThreads = threads };
        _session = new InferenceSession(rewritten.Model, options);
    }

    /// <summary>The ResNet18.onnx file in use (full path).</summary>
    public string ModelPath { get; }

    /// <summary>The grid the features hold (its size, channels and description).</summary>
    public ResNet18Grid Grid { get; }

    /// <summary>Images run through the network so far (for tests of the feature cache).</summary>
    internal int ImagesComputed => _imagesComputed;

    /// <summary>Features of one image (any size and colour type; resized inside).</summary>
    public ImageFeatures Compute(SKBitmap image) => Compute([image])[0];

    /// <summary>Features of each image, run in batches of at most <see cref="MaxBatch"/>.</summary>
    public IReadOnlyList<ImageFeatures> Compute(IReadOnlyList<SKBitmap> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var results = new List<ImageFeatures>(images.Count);
        for (int start = 0; start < images.Count; start += MaxBatch)
        {
            int n = Math.Min(MaxBatch, images.Count - start);
            var input = new float[n * 3 * PlaneSize];   // (n, 3, 224, 224) B, G, R minus the mean image
            for (int i = 0; i < n; i++) WriteInput(images[start + i], start + i, input.AsSpan(i * 3 * PlaneSize, 3 * PlaneSize));
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [n, 3, InputSize, InputSize]);
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, [_inputName], [inputValue], [_pooledName, _gridName]);
            ReadOnlySpan<float> pooled = outputs[0].GetTensorDataAsSpan<float>();   // (n, 512, 1, 1)
            ReadOnlySpan<float> grid = outputs[1].GetTensorDataAsSpan<float>();     // (n, C, side, side)
            int channels = Grid.Channels, regions = Grid.Regions;
            for (int i = 0; i < n; i++)
            {
                float[] regionMajor = new float[regions * channels];   // (R, C)
                ReadOnlySpan<float> channelMajor = grid.Slice(i * channels * regions, channels * regions);   // (C, R)
                for (int c = 0; c < channels; c++)
                    for (int r = 0; r < regions; r++) regionMajor[r * channels + c] = channelMajor[c * regions + r];
                results.Add(new ImageFeatures(Grid.Tensor is null ? pooled.Slice(i * channels, channels).ToArray() : RegionMean(channelMajor, channels, regions), regionMajor));
            }
            Interlocked.Add(ref _imagesComputed, n);
        }
        return results;
    }

    /// <summary>The mean over the regions of each channel of a (C, R) map, summed in double.</summary>
    private static float[] RegionMean(ReadOnlySpan<float> channelMajor, int channels, int regions)
    {
        var mean = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            foreach (float v in channelMajor.Slice(c * regions, regions)) sum += v;
            mean[c] = (float)(sum / regions);
        }
        return mean;
    }

    /// <summary>Draws the image onto a white 224x224 canvas and writes B, G, R planes minus the mean image.</summary>
    private void WriteInput(SKBitmap image, int index, Span<float> planes)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width <= 0 || image.Height <= 0 || image.IsNull)
            throw new ArgumentException($"Image {index} is empty ({image.Width}x{image.Height}).", nameof(image));
        using var canvasBitmap = new SKBitmap(new SKImageInfo(InputSize, InputSize, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(canvasBitmap))
        using (var source = SKImage.FromBitmap(image)
            ?? throw new ArgumentException($"Image {index} ({image.Width}x{image.Height}, {image.ColorType}) cannot be drawn.", nameof(image)))
        {
            canvas.Clear(SKColors.White);
            bool shrinksMuch = image.Width > 2 * InputSize || image.Height > 2 * InputSize;
            bool exact = image.Width == InputSize && image.Height == InputSize;
            var sampling = exact ? SKSamplingOptions.Default
                : shrinksMuch ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear) : new SKSamplingOptions(SKCubicResampler.Mitchell);
            canvas.DrawImage(source, new SKRect(0, 0, InputSize, InputSize), sampling);
            canvas.Flush();
        }
        ReadOnlySpan<byte> rgba = canvasBitmap.GetPixelSpan();   // (224, 224, 4), opaque after the white background
        Span<float> blue = planes[..PlaneSize], green = planes.Slice(PlaneSize, PlaneSize), red = planes.Slice(2 * PlaneSize, PlaneSize);
        ReadOnlySpan<float> meanBlue = _meanImage.AsSpan(0, PlaneSize), meanGreen = _meanImage.AsSpan(PlaneSize, PlaneSize), meanRed = _meanImage.AsSpan(2 * PlaneSize, PlaneSize);
        for (int p = 0; p < PlaneSize; p++)
        {
            red[p] = rgba[4 * p] - meanRed[p];
            green[p] = rgba[4 * p + 1] - meanGreen[p];
            blue[p] = rgba[4 * p + 2] - meanBlue[p];
        }
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();
}
