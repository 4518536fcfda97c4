namespace Writeback.Tracing;

/// <summary>
/// A task (thread) that made recorded events: its process and the name a user knows the process by,
/// so that a call is named <c>in pid 123 (app.py)</c>, or <c>in pid 123 (app.py), thread 125</c>.
/// </summary>
/// <param name="Tid">The task id, as <see cref="TraceEvent.Pid"/> holds it.</param>
/// <param name="Pid">The process (thread group) id; equal to <paramref name="Tid"/> for a process's main thread.</param>
/// <param name="Name">The program the process ran last (the script an interpreter runs, <c>app.py</c> for <c>python3 app.py</c>).</param>
public sealed record TraceTask(int Tid, int Pid, string Name)
{
    /// <summary>Where a call was made: <c>pid 123 (app.py)</c>, and <c>, thread 125</c> for a thread other than the main one.</summary>
    /// <returns>The words after "in".</returns>
    public string Describe() => Tid == Pid ? $"pid {Pid} ({Name})" : $"pid {Pid} ({Name}), thread {Tid}";
}
