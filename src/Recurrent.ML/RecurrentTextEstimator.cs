// RecurrentTextEstimator: the RecurrentText trainer — reads the text and key-typed label columns of an IDataView
// into classification records (the label's key names as class names, in key order), builds a Recurrent
// SequenceClassifier over all K classes and trains it through the library's one training loop
// (SequenceClassifier.CreateFit → SupervisedFit.RunInMemory: bucketed padded batches, Adam, early stopping on the
// validation rows with the best weights kept). Rows with a missing label (key 0) or an empty text are skipped, as
// ML.NET's trainers skip rows they cannot use. The binary form reads a Boolean label as the classes "False" and "True".
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.ML;

/// <summary>Trains a recurrent text classifier on an <see cref="IDataView"/>; made by <c>mlContext.MulticlassClassification.Trainers.RecurrentText</c> or <c>mlContext.BinaryClassification.Trainers.RecurrentText</c>.</summary>
public sealed class RecurrentTextEstimator : IEstimator<RecurrentTextTransformer>
{
    private readonly RecurrentTextOptions _options;
    private readonly ScoreKind _kind;

    internal RecurrentTextEstimator(RecurrentTextOptions options, ScoreKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _kind = kind;
    }

    /// <summary>
    /// Trains on <paramref name="input"/>. ArgumentOutOfRangeException naming the column when the text column is
    /// missing or not a string, or the label column missing or not a key (Boolean for the binary classifier); InvalidOperationException when no row is
    /// usable or the validation data's label has other classes; OperationCanceledException when
    /// <see cref="RecurrentTextOptions.CancellationToken"/> stopped training.
    /// </summary>
    public RecurrentTextTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = SchemaChecks.Find(input.Schema, "label", _options.LabelColumnName, nameof(input));
        string[] classNames = ClassNames(label, nameof(input));
        var train = Read(input, classNames, nameof(input));
        if (train.Count == 0)
            throw new InvalidOperationException($"No training row has both a label in '{_options.LabelColumnName}' and a text in '{_options.TextColumnName}'.");
        var validation = new List<ClassificationRecord>();
        if (_options.ValidationData is { } validationData)
        {
            var validationLabel = SchemaChecks.Find(validationData.Schema, "label", _options.LabelColumnName, nameof(RecurrentTextOptions.ValidationData));
            if (!ClassNames(validationLabel, nameof(RecurrentTextOptions.ValidationData)).SequenceEqual(classNames))
                throw new InvalidOperationException($"The validation data's label column '{_options.LabelColumnName}' has other key values than the training data's; " +
                    "map both with the same MapValueToKey transformer.");
            validation = Read(validationData, classNames, nameof(RecurrentTextOptions.ValidationData));
        }

        var training = _options.ToTraining();
        var classifier = SequenceClassifier.Create(train, ClassificationFormat.Tsv, _options.ToSettings(), training.Seed, memoryCheck: training, labels: classNames);
        FitCallback[] callbacks = _options.Progress is { } progress ? [new LambdaCallback { Logged = progress }] : [];
        classifier.CreateFit(train, validation, training).RunInMemory(callbacks, _options.CancellationToken);
        _options.CancellationToken.ThrowIfCancellationRequested();
        return new RecurrentTextTransformer(new KeyedTextClassifier(classifier, KeyedTextClassifier.KeyValuesOf(label)), _options.TextColumnName, _kind);
    }

    /// <summary>
    /// The schema shape after the transformer: <paramref name="inputSchema"/> with Score (a vector of Single, one per
    /// class, slot names = the label's key values) and PredictedLabel (a key like the label). The same column errors as <see cref="Fit"/>.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaChecks.FindText(inputSchema, "text", _options.TextColumnName, nameof(inputSchema));
        string label = _options.LabelColumnName;
        // SchemaShape.Column has no public constructor, so the promises are taken from ML.NET's own estimators over the
        // label. Multiclass: its one-hot vector is the shape of the class probabilities (Single × K, slot names = key
        // values), its copy the shape of the predicted key. Binary: its conversion to Single the shape of Score and
        // Probability, its copy the shape of the predicted Boolean.
        var ml = new MLContext(seed: 0);
        (string Name, IEstimator<ITransformer> From)[] added = _kind == ScoreKind.Multiclass
            ? [("Score", ml.Transforms.Conversion.MapKeyToVector("Score", label)), ("PredictedLabel", ml.Transforms.CopyColumns("PredictedLabel", label))]
            : [("Score", ml.Transforms.Conversion.ConvertType("Score", label, DataKind.Single)),
               ("Probability", ml.Transforms.Conversion.ConvertType("Probability", label, DataKind.Single)),
               ("PredictedLabel", ml.Transforms.CopyColumns("PredictedLabel", label))];
        if (_kind == ScoreKind.Multiclass) SchemaChecks.FindKey(inputSchema, "label", label, nameof(inputSchema));
        else SchemaChecks.FindBoolean(inputSchema, "label", label, nameof(inputSchema));
        var columns = added.Select(a => SchemaChecks.Lookup(a.From.GetOutputSchema(inputSchema), a.Name)!.Value).ToList();
        return new SchemaShape(inputSchema.Where(c => added.All(a => a.Name != c.Name)).Concat(columns));
    }

    // The class names of the label column: its key values (multiclass) or False, True (binary); the schema errors.
    private string[] ClassNames(DataViewSchema.Column label, string paramName)
    {
        if (_kind == ScoreKind.Binary)
        {
            SchemaChecks.RequireBoolean(label, "label", paramName);
            return KeyedTextClassifier.BinaryClasses;
        }
        return KeyedTextClassifier.NamesOf(label, SchemaChecks.RequireKey(label, "label", paramName));
    }

    // The usable rows of data as records: label = the class name of its key, Line = the row's 1-based position.
    private List<ClassificationRecord> Read(IDataView data, string[] classNames, string paramName)
    {
        var text = SchemaChecks.Find(data.Schema, "text", _options.TextColumnName, paramName);
        SchemaChecks.RequireText(text, "text", paramName);
        var label = data.Schema[_options.LabelColumnName];
        var records = new List<ClassificationRecord>();
        using var cursor = data.GetRowCursor([text, label]);
        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        Func<ulong> getKey = KeyGetter(cursor, label);
        ReadOnlyMemory<char> value = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            row++;
            ulong key = getKey();
            getText(ref value);
            if (key == 0 || key > (ulong)classNames.Length || value.IsEmpty) continue;
            records.Add(new ClassificationRecord(classNames[key - 1], value.ToString(), [], row));
        }
        return records;
    }

    // The key value (0 = missing, 1..K) of the current row, whatever unsigned type the key is stored in; a Boolean
    // label reads as key 1 (false) or 2 (true).
    private static Func<ulong> KeyGetter(DataViewRow row, DataViewSchema.Column label)
    {
        switch (Type.GetTypeCode(label.Type.RawType))
        {
            case TypeCode.Boolean: { var g = row.GetGetter<bool>(label); bool v = false; return () => { g(ref v); return v ? 2UL : 1UL; }; }
            case TypeCode.Byte: { var g = row.GetGetter<byte>(label); byte v = 0; return () => { g(ref v); return v; }; }
            case TypeCode.UInt16: { var g = row.GetGetter<ushort>(label); ushort v = 0; return () => { g(ref v); return v; }; }
            case TypeCode.UInt32: { var g = row.GetGetter<uint>(label); uint v = 0; return () => { g(ref v); return v; }; }
            default: { var g = row.GetGetter<ulong>(label); ulong v = 0; return () => { g(ref v); return v; }; }
        }
    }
}
