// KeyedTraining: what the Recurrent classifiers in ML.NET (text and numeric sequences) share to train — the label
// column's class names (its key values in key order, or False/True for a Boolean label), reading the usable rows of
// an IDataView as ClassificationRecords (a row with a missing label, key 0, or an empty input is skipped, as ML.NET's
// trainers skip rows they cannot use; Line = the row's 1-based position), the validation data's checks, and the
// one training path: SequenceClassifier.Create over all K classes → CreateFit → SupervisedFit.RunInMemory (bucketed
// padded batches, Adam, early stopping with the best weights kept) — the same as `rnn train --task classify`.
using Microsoft.ML;
using Microsoft.ML.Data;
using Recurrent.Classification;
using Recurrent.Training;
using Recurrent.Training.Callbacks;

namespace Recurrent.ML;

internal static class KeyedTraining
{
    /// <summary>
    /// Reads <paramref name="input"/> (and the options' validation data) and trains a classifier of
    /// <paramref name="format"/> over the label's classes. <paramref name="reader"/> gives, for a cursor over a data
    /// view and its parameter name, the active input column and a function returning the current row's record
    /// (label left null; null when the row's input is empty).
    /// </summary>
    public static KeyedClassifier Fit(IDataView input, RecurrentOptionsBase options, ScoreKind kind, ClassificationFormat format,
        ClassifierSettings settings, string inputColumnName, Func<IDataView, string, (DataViewSchema.Column Column, Func<DataViewRow, Func<ClassificationRecord?>> Bind)> reader)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = SchemaChecks.Find(input.Schema, "label", options.LabelColumnName, nameof(input));
        string[] classNames = ClassNames(label, kind, nameof(input));
        var train = Read(input, options.LabelColumnName, classNames, reader, nameof(input));
        if (train.Count == 0)
            throw new InvalidOperationException($"No training row has both a label in '{options.LabelColumnName}' and an input in '{inputColumnName}'.");
        var validation = new List<ClassificationRecord>();
        if (options.ValidationData is { } validationData)
        {
            const string name = nameof(RecurrentOptionsBase.ValidationData);
            var validationLabel = SchemaChecks.Find(validationData.Schema, "label", options.LabelColumnName, name);
            if (!ClassNames(validationLabel, kind, name).SequenceEqual(classNames))
                throw new InvalidOperationException($"The validation data's label column '{options.LabelColumnName}' has other key values than the training data's; " +
                    "map both with the same MapValueToKey transformer.");
            validation = Read(validationData, options.LabelColumnName, classNames, reader, name);
        }

        var training = options.ToTraining();
        var classifier = SequenceClassifier.Create(train, format, settings, training.Seed, memoryCheck: training, labels: classNames);
        FitCallback[] callbacks = options.Progress is { } progress ? [new LambdaCallback { Logged = progress }] : [];
        classifier.CreateFit(train, validation, training).RunInMemory(callbacks, options.CancellationToken);
        options.CancellationToken.ThrowIfCancellationRequested();
        return new KeyedClassifier(classifier, KeyedClassifier.KeyValuesOf(label));
    }

    /// <summary>The class names of the label column: its key values (multiclass) or False, True (binary); the schema errors.</summary>
    public static string[] ClassNames(DataViewSchema.Column label, ScoreKind kind, string paramName)
    {
        if (kind == ScoreKind.Binary)
        {
            SchemaChecks.RequireBoolean(label, "label", paramName);
            return KeyedClassifier.BinaryClasses;
        }
        return KeyedClassifier.NamesOf(label, SchemaChecks.RequireKey(label, "label", paramName));
    }

    // The usable rows of data as records: label = the class name of its key.
    private static List<ClassificationRecord> Read(IDataView data, string labelName, string[] classNames,
        Func<IDataView, string, (DataViewSchema.Column Column, Func<DataViewRow, Func<ClassificationRecord?>> Bind)> reader, string paramName)
    {
        var (column, bind) = reader(data, paramName);
        var label = data.Schema[labelName];
        var records = new List<ClassificationRecord>();
        using var cursor = data.GetRowCursor([column, label]);
        Func<ulong> getKey = KeyGetter(cursor, label);
        var getRecord = bind(cursor);
        int row = 0;
        while (cursor.MoveNext())
        {
            row++;
            ulong key = getKey();
            var record = getRecord();
            if (key == 0 || key > (ulong)classNames.Length || record is null) continue;
            records.Add(record with { Label = classNames[key - 1], Line = row });
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
