namespace Writeback.Simulation;

/// <summary>
/// A model file (or a model built in C#) that cannot be used: not JSON, an unknown key, a level that does
/// not exist, a missing call, or a contradiction. The message is one line naming the file, the JSON path
/// and what is allowed, e.g. <c>my.json: $.calls.fsync.data: unknown level "stabel"; allowed: none, deviceCache, stable</c>.
/// </summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file (or "C# model NAME") the error is in.</param>
    /// <param name="jsonPath">The JSON path of the offending value, e.g. <c>$.calls.fsync.data</c>.</param>
    /// <param name="problem">What is wrong and what is allowed.</param>
    public ModelFileException(string source, string jsonPath, string problem)
        : base($"{source}: {jsonPath}: {problem}")
    {
        Source = source;
        JsonPath = jsonPath;
        Problem = problem;
    }

    /// <summary>The file (or "C# model NAME") the error is in.</summary>
    public new string Source { get; }

    /// <summary>The JSON path of the offending value.</summary>
    public string JsonPath { get; }

    /// <summary>What is wrong and what is allowed.</summary>
    public string Problem { get; }
}
