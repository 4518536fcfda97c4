using System.Globalization;
using System.Text;

namespace Writeback.Tracing;

/// <summary>How a traced run's crash points, calls and acknowledgements are named: by the recording's event numbers (those <c>writeback trace show</c> prints) and its output lines.</summary>
public sealed partial class TraceScenario
{
    /// <summary>Interpreters whose first argument is the program a user thinks of.</summary>
    private static readonly string[] Interpreters = ["python", "python2", "python3", "node", "nodejs", "ruby", "perl", "sh", "bash", "dash", "php", "lua", "Rscript", "deno", "bun", "pypy", "pypy3", "tclsh"];

    /// <summary>The name a user thinks of: the script an interpreter runs (<c>app.py</c> for <c>python3 app.py</c>), else the program's file name.</summary>
    /// <param name="recording">The recording.</param>
    /// <returns>A file name.</returns>
    public static string NameOf(Recording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return NameOf(recording.Program, recording.Arguments);
    }

    /// <summary>The name a user thinks of for a command line: the script an interpreter runs, else the program's file name.</summary>
    /// <param name="program">The program as started.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>A file name.</returns>
    internal static string NameOf(string program, IReadOnlyList<string> arguments)
    {
        program = Path.GetFileName(program);
        bool interpreter = Interpreters.Any(i => program == i || program.StartsWith(i + ".", StringComparison.Ordinal)
                                                || (program.StartsWith(i, StringComparison.Ordinal) && program[i.Length..].All(c => char.IsAsciiDigit(c) || c == '.')));
        if (interpreter && arguments.FirstOrDefault(a => !a.StartsWith('-')) is { Length: > 0 } script
            && arguments.TakeWhile(a => a != script).All(a => a.StartsWith('-') && a is not ("-c" or "-e" or "-m")))
        {
            return Path.GetFileName(script);
        }
        return program;
    }

    /// <inheritdoc/>
    public string DescribeCrashPoint(int crashPointIndex, string simulatorText)
    {
        if (crashPointIndex < _callEvents.Count)
        {
            int eventIndex = _callEvents[crashPointIndex];
            if (eventIndex < 0)
            {
                return "before the program started (its initial files)";
            }
            if (crashPointIndex > 0 && _callEvents[crashPointIndex - 1] == eventIndex)
            {
                return $"during {EventText(eventIndex)}";
            }
            int before = LastCallBefore(_eventNumbers[eventIndex]);
            return before < 0 ? $"before {EventText(eventIndex)}" : $"after {OriginalEventText(before)}";
        }
        int last = LastCallBefore(_original.Events.Count);
        return last < 0 ? "at the end (no recorded call)" : $"after {OriginalEventText(last)}";
    }

    /// <inheritdoc/>
    public string DescribeCall(int callIndex, string simulatorText) =>
        callIndex < _callEvents.Count && _callEvents[callIndex] >= 0 ? EventText(_callEvents[callIndex]) : simulatorText;

    /// <inheritdoc/>
    public string DescribeAcknowledgement(int acknowledgementIndex, long value)
    {
        (int lines, string? last) = Lines(value);
        return string.Create(CultureInfo.InvariantCulture, $"line {lines} \"{last}\"{PartialMark(value)}");
    }

    /// <inheritdoc/>
    public string DescribeAcknowledged(int count, long lastValue)
    {
        (int lines, string? last) = Lines(lastValue);
        return lines == 0 ? "nothing printed yet"
            : string.Create(CultureInfo.InvariantCulture, $"{lines} {(lines == 1 ? "line" : "lines")} printed, the last \"{last}\"{PartialMark(lastValue)}");
    }

    /// <summary>
    /// " (no newline yet)" when the output up to <paramref name="outputBytes"/> ends inside a line:
    /// it counts as a line, but a checker counting newlines (<c>wc -l</c>) does not count it.
    /// </summary>
    private string PartialMark(long outputBytes)
    {
        ReadOnlySpan<byte> output = OutputBefore(outputBytes);
        return output.Length > 0 && output[^1] != (byte)'\n' ? " (no newline yet)" : "";
    }

    /// <summary>How many lines the checker sees in the output up to <paramref name="outputBytes"/> (a last line without its newline counts), and the last one.</summary>
    /// <param name="outputBytes">A byte count of standard output.</param>
    /// <returns>The count and the last line (at most 60 characters).</returns>
    public (int Count, string Last) Lines(long outputBytes)
    {
        string text = Encoding.UTF8.GetString(OutputBefore(outputBytes));
        string[] lines = text.Split('\n');
        int count = text.Length == 0 ? 0 : text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        string last = count == 0 ? "" : lines[count - 1].TrimEnd('\r');
        return (count, last.Length > 60 ? last[..57] + "..." : last);
    }

    /// <summary>The last event before <paramref name="number"/> that is a call of the program (stores to a mapping are not), or -1.</summary>
    private int LastCallBefore(int number)
    {
        int index = number - 1;
        while (index >= 0 && _original.Events[index].Kind == TraceEventKind.Store)
        {
            index--;
        }
        return index;
    }

    /// <summary>Event <paramref name="number"/> of the recording as saved (ignored paths included).</summary>
    private string OriginalEventText(int number)
    {
        return EventText(number, _original.Events[number]);
    }

    /// <summary>An event as <c>#E call in pid P (name)</c>, with <c>, thread T</c> for a thread other than its process's main one.</summary>
    private string EventText(int number, TraceEvent e) =>
        e.Pid <= 0 ? $"#{number} {e.Call}"
        : _original.TaskOf(e.Pid) is { } task ? $"#{number} {e.Call} in {task.Describe()}"
        : $"#{number} {e.Call} in pid {e.Pid}";

    /// <summary>One replayed event as <c>#E call in pid P</c>, E its number in the recording as saved.</summary>
    private string EventText(int eventIndex)
    {
        int number = _eventNumbers[eventIndex];
        return EventText(number, _original.Events[number]);
    }
}
