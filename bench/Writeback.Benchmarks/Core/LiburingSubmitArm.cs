using System.Diagnostics;
using System.Globalization;

namespace Writeback.Benchmarks.Core;

/// <summary>
/// The C arm of S3 first call: <c>Core/Native/s3_submit.c</c>, built here with gcc against liburing
/// and run as a coprocess, one sample per request, so its samples interleave with the C# arms in
/// the same run (see the C file for what it times). <see cref="TryStart"/> returns null with the
/// reason when gcc, liburing or io_uring is missing, and the arm is skipped.
/// </summary>
internal sealed class LiburingSubmitArm : IDisposable
{
    private const string SourceName = "s3_submit.c";

    /// <summary>The C source, as the repository holds it.</summary>
    public const string SourceFile = "bench/Writeback.Benchmarks/Core/Native/" + SourceName;
    private readonly Process _process;
    private readonly string _buildDirectory;

    private LiburingSubmitArm(Process process, string buildDirectory)
    {
        _process = process;
        _buildDirectory = buildDirectory;
    }

    /// <summary>Builds and starts the program; on failure returns null and why.</summary>
    public static LiburingSubmitArm? TryStart(out string? skipReason)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Core", "Native", SourceName);
        if (!File.Exists(source))
        {
            skipReason = $"C arm skipped: {source} is missing from the bench's output";
            return null;
        }
        if (!File.Exists("/usr/include/liburing.h"))
        {
            skipReason = "C arm skipped: liburing-dev is not installed (no /usr/include/liburing.h)";
            return null;
        }
        string buildDirectory = Directory.CreateTempSubdirectory("writeback-s3-c-").FullName;
        string program = Path.Combine(buildDirectory, "s3_submit");
        (int exitCode, string? output) = Run("gcc", ["-O2", "-Wall", "-o", program, source, "-luring"]);
        if (exitCode != 0)
        {
            Directory.Delete(buildDirectory, recursive: true);
            skipReason = $"C arm skipped: gcc -O2 {SourceName} -luring failed ({exitCode}): {output.Trim()}";
            return null;
        }
        Process process = Process.Start(new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        skipReason = null;
        return new LiburingSubmitArm(process, buildDirectory);
    }

    /// <summary>Creates <paramref name="path"/> with <paramref name="fileBytes"/> dirty bytes and returns the submit's microseconds.</summary>
    public double MeasureSubmit(string path, long fileBytes)
    {
        _process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path} {fileBytes}"));
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine()
                   ?? throw new InvalidOperationException($"{SourceName} exited ({(_process.HasExited ? _process.ExitCode : -1)}) without a sample");
        return double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out double elapsedUs)
            ? elapsedUs
            : throw new InvalidOperationException($"{SourceName}: {line}");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _process.StandardInput.Close(); // end of input: the program tears the ring down and exits
        if (!_process.WaitForExit(10_000))
        {
            _process.Kill();
        }
        _process.Dispose();
        Directory.Delete(_buildDirectory, recursive: true);
    }

    private static (int ExitCode, string Output) Run(string fileName, string[] arguments)
    {
        try
        {
            var startInfo = new ProcessStartInfo(fileName) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }
            using Process process = Process.Start(startInfo)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{fileName} not found: {e.Message}");
        }
    }
}
