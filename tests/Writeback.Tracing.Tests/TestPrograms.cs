using System.Diagnostics;

namespace Writeback.Tracing.Tests;

/// <summary>The test programs: C sources compiled once per run with gcc, scripts run as they are.</summary>
internal static class TestPrograms
{
    private static readonly string BuildDirectory = Directory.CreateTempSubdirectory("writeback-trace-programs-").FullName;
    private static readonly Dictionary<string, string> Built = [];

    public static string Source(string name) => Path.Combine(AppContext.BaseDirectory, "Programs", name);

    /// <summary>Compiles Programs/NAME.c (once) and returns the executable; skips the test when gcc or a library is missing.</summary>
    public static string Compile(string name, params string[] libraries)
    {
        lock (Built)
        {
            if (Built.TryGetValue(name, out string? built))
            {
                return built;
            }
            string executable = Path.Combine(BuildDirectory, name);
            (int exitCode, string? output) = Run("gcc", ["-O2", "-o", executable, Source(name + ".c"), .. libraries]);
            Skip.If(exitCode == 127, "gcc is not installed");
            Skip.If(exitCode != 0 && libraries.Length > 0, $"gcc could not build {name} with {string.Join(' ', libraries)} (is the library installed? .ci/run installs liblmdb-dev): {output}");
            Assert.True(exitCode == 0, output);
            Built[name] = executable;
            return executable;
        }
    }

    /// <summary>Compiles Programs/CLASS.java (once) into its own class directory; skips the test when javac is missing.</summary>
    public static string CompileJava(string className) => Build(className + ".class", Require("javac"), output => ["-d", output, Source(className + ".java")], directory: true);

    /// <summary>Compiles Programs/NAME.rs (once) with rustc, std only; skips the test when rustc is missing (looked up on PATH, then in ~/.cargo/bin).</summary>
    public static string CompileRust(string name)
    {
        string cargoRustc = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cargo", "bin", "rustc");
        string rustc = File.Exists(cargoRustc) ? cargoRustc : Require("rustc");
        return Build(name + ".rs", rustc, output => ["-O", "-o", output, Source(name + ".rs")], directory: false);
    }

    private static string Build(string key, string compiler, Func<string, string[]> arguments, bool directory)
    {
        lock (Built)
        {
            if (!Built.TryGetValue(key, out string? output))
            {
                output = Path.Combine(BuildDirectory, key.Replace('.', '-'));
                if (directory)
                {
                    Directory.CreateDirectory(output);
                }
                (int exitCode, string? messages) = Run(compiler, arguments(output));
                Assert.True(exitCode == 0, $"{Path.GetFileName(compiler)} failed on {key}: {messages}");
                Built[key] = output;
            }
            return output;
        }
    }

    /// <summary>The full path of a program on PATH; skips the test when it is absent.</summary>
    public static string Require(string program)
    {
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
        Skip.If(found is null, $"{program} is not installed");
        return found!;
    }

    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using Process process = Process.Start(start)!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, e.Message);
        }
    }
}
