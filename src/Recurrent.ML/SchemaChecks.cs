// SchemaChecks: the column checks of the Recurrent trainers, worded as ML.NET words its own — a missing column is
// "Could not find label column 'Label'", a column of the wrong type is "Schema mismatch for text column 'Text':
// expected String, got Single" — both ArgumentOutOfRangeException with the schema as the parameter, as ML.NET's
// trainers throw them; a features vector that is not whole steps of F numbers names the column and F. Checked on a DataViewSchema (Fit, Transform) and on a SchemaShape (GetOutputSchema).
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Recurrent.ML;

internal static class SchemaChecks
{
    /// <summary>The visible column <paramref name="name"/> of <paramref name="schema"/>; ArgumentOutOfRangeException naming it and its role when absent.</summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string role, string name, string paramName) =>
        schema.GetColumnOrNull(name) ?? throw Missing(role, name, paramName);

    /// <summary>Checks <paramref name="column"/> holds one string per row (ReadOnlyMemory&lt;char&gt;).</summary>
    public static void RequireText(DataViewSchema.Column column, string role, string paramName)
    {
        if (column.Type is not TextDataViewType) throw Mismatch(role, column.Name, "String", column.Type.ToString() ?? "?", paramName);
    }

    /// <summary>Checks <paramref name="column"/> is a key of known count; returns that count (the number of classes).</summary>
    public static int RequireKey(DataViewSchema.Column column, string role, string paramName)
    {
        if (column.Type is not KeyDataViewType key) throw Mismatch(role, column.Name, "Key", column.Type.ToString() ?? "?", paramName);
        if (key.Count < 1 || key.Count > int.MaxValue) throw Mismatch(role, column.Name, "Key of known count", column.Type.ToString() ?? "?", paramName);
        return (int)key.Count;
    }

    /// <summary>Checks <paramref name="column"/> is Boolean (the label of a binary classifier).</summary>
    public static void RequireBoolean(DataViewSchema.Column column, string role, string paramName)
    {
        if (column.Type is not BooleanDataViewType) throw Mismatch(role, column.Name, "Boolean", column.Type.ToString() ?? "?", paramName);
    }

    /// <summary>Checks <paramref name="column"/> is a Single scalar (the label of a regression).</summary>
    public static void RequireSingle(DataViewSchema.Column column, string role, string paramName)
    {
        if (column.Type != NumberDataViewType.Single) throw Mismatch(role, column.Name, "Single", column.Type.ToString() ?? "?", paramName);
    }

    /// <summary>
    /// Checks <paramref name="column"/> is a vector of Single whose known size, if any, is a whole number of steps of
    /// <paramref name="featuresPerStep"/> numbers (a variable-size vector is checked row by row as it is read).
    /// </summary>
    public static void RequireSteps(DataViewSchema.Column column, string role, int featuresPerStep, string paramName)
    {
        if (column.Type is not VectorDataViewType { ItemType: var item } vector || item != NumberDataViewType.Single)
            throw Mismatch(role, column.Name, "Vector<Single>", column.Type.ToString() ?? "?", paramName);
        if (vector.Size % featuresPerStep != 0) throw NotSteps(column.Name, vector.Size, featuresPerStep, paramName);
    }

    /// <summary>The error for a vector of <paramref name="size"/> numbers in column <paramref name="name"/> that is not whole steps of F.</summary>
    public static ArgumentOutOfRangeException NotSteps(string name, int size, int featuresPerStep, string paramName) =>
        new(paramName, StepsMessage(name, size, featuresPerStep));

    /// <summary>The words of <see cref="NotSteps"/>.</summary>
    public static string StepsMessage(string name, int size, int featuresPerStep) =>
        $"Schema mismatch for features column '{name}': a vector of {size} numbers is not a whole number of steps of " +
        $"{featuresPerStep} features (FeaturesPerStep); give T·{featuresPerStep} numbers, step by step.";

    /// <summary>The Single label column of a schema shape.</summary>
    public static SchemaShape.Column FindSingle(SchemaShape shape, string role, string name, string paramName)
    {
        var column = Lookup(shape, name) ?? throw Missing(role, name, paramName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.IsKey || column.ItemType != NumberDataViewType.Single)
            throw Mismatch(role, name, "Single", Describe(column), paramName);
        return column;
    }

    /// <summary>The vector-of-Single features column of a schema shape (its size is not part of a shape, so it is checked at Fit and Transform).</summary>
    public static SchemaShape.Column FindVector(SchemaShape shape, string role, string name, string paramName)
    {
        var column = Lookup(shape, name) ?? throw Missing(role, name, paramName);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || column.IsKey || column.ItemType != NumberDataViewType.Single)
            throw Mismatch(role, name, "Vector<Single>", Describe(column), paramName);
        return column;
    }

    /// <summary>The Boolean label column of a schema shape.</summary>
    public static SchemaShape.Column FindBoolean(SchemaShape shape, string role, string name, string paramName)
    {
        var column = Lookup(shape, name) ?? throw Missing(role, name, paramName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.IsKey || column.ItemType is not BooleanDataViewType)
            throw Mismatch(role, name, "Boolean", Describe(column), paramName);
        return column;
    }

    /// <summary>The same checks on a schema shape (the promises of an estimator chain).</summary>
    public static SchemaShape.Column FindText(SchemaShape shape, string role, string name, string paramName)
    {
        var column = Lookup(shape, name) ?? throw Missing(role, name, paramName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw Mismatch(role, name, "String", Describe(column), paramName);
        return column;
    }

    /// <summary>The key-typed label column of a schema shape.</summary>
    public static SchemaShape.Column FindKey(SchemaShape shape, string role, string name, string paramName)
    {
        var column = Lookup(shape, name) ?? throw Missing(role, name, paramName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || !column.IsKey) throw Mismatch(role, name, "Key", Describe(column), paramName);
        return column;
    }

    /// <summary>The column <paramref name="name"/> of <paramref name="shape"/> (the last of that name), or null.</summary>
    public static SchemaShape.Column? Lookup(SchemaShape shape, string name)
    {
        SchemaShape.Column? found = null;
        foreach (var c in shape) if (c.Name == name) found = c;
        return found;
    }

    private static string Describe(SchemaShape.Column c) =>
        (c.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : "Vector<") + (c.IsKey ? "Key" : c.ItemType.ToString()) + (c.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : ">");

    private static ArgumentOutOfRangeException Missing(string role, string name, string paramName) =>
        new(paramName, $"Could not find {role} column '{name}'");

    private static ArgumentOutOfRangeException Mismatch(string role, string name, string expected, string actual, string paramName) =>
        new(paramName, $"Schema mismatch for {role} column '{name}': expected {expected}, got {actual}");
}
