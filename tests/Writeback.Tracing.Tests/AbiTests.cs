using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Writeback.Native;
using Writeback.Tracing.Ptrace;

namespace Writeback.Tracing.Tests;

/// <summary>
/// Every constant the recorder hard-codes (ptrace requests and options, wait flags, open and mmap
/// flags, x86_64 system call numbers) and the layouts of struct ptrace_syscall_info and struct sigaction, checked against
/// this machine's C headers by compiling a probe generated from the C# names.
/// </summary>
public sealed class AbiTests
{
    [SkippableFact]
    public void Constants_and_the_syscall_info_layout_match_the_C_headers()
    {
        // The shared Interop.Libc (src/Common/Interop, linked into Writeback.Tracing) is checked in
        // full by Writeback.Tests' AbiTests; here, the families the recorder uses.
        var constants = Constants(typeof(Interop.Libc)).Where(c => RecorderPrefixes.Any(p => c.Name.StartsWith(p, StringComparison.Ordinal)))
            .Concat(Constants(typeof(Errno)).Where(c => c.Name is "EPERM" or "ESRCH" or "EINTR" or "ECHILD"))
            .Concat(Constants(typeof(Syscall))).ToList();
        string prints = string.Concat(constants.Select(c => $"    P({CName(c.Name)}, \"{c.Name}\");\n"));
        string probe = $$"""
            #define _GNU_SOURCE
            #include <errno.h>
            #include <fcntl.h>
            #include <sched.h>
            #include <signal.h>
            #include <spawn.h>
            #include <stddef.h>
            #include <stdio.h>
            #include <sys/mman.h>
            #include <sys/ptrace.h>
            #include <sys/syscall.h>
            #include <sys/uio.h>
            #include <sys/wait.h>
            #include <linux/audit.h>
            #include <linux/falloc.h>
            #define P(value, name) printf("%s=%lld\n", name, (long long)(value))
            int main(void) {
            {{prints}}
                P(sizeof(posix_spawn_file_actions_t), "sizeof(posix_spawn_file_actions_t)");
                P(sizeof(struct sigaction), "sizeof(struct sigaction)");
                P(offsetof(struct sigaction, sa_flags), "Flags");
                P(offsetof(struct sigaction, sa_restorer), "Restorer");
                P(sizeof(struct __ptrace_syscall_info), "sizeof(ptrace_syscall_info)");
                P(offsetof(struct __ptrace_syscall_info, op), "Op");
                P(offsetof(struct __ptrace_syscall_info, arch), "Arch");
                P(offsetof(struct __ptrace_syscall_info, entry.nr), "EntryNr");
                P(offsetof(struct __ptrace_syscall_info, entry.args), "EntryArgs");
                P(offsetof(struct __ptrace_syscall_info, exit.rval), "ExitRval");
                P(offsetof(struct __ptrace_syscall_info, exit.is_error), "ExitIsError");
                return 0;
            }
            """;
        string directory = Directory.CreateTempSubdirectory("writeback-trace-abi-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "probe.c"), probe);
            (int compiled, string? error) = TestPrograms.Run("gcc", ["-o", Path.Combine(directory, "probe"), Path.Combine(directory, "probe.c")]);
            Skip.If(compiled == 127, "gcc is not installed");
            Assert.True(compiled == 0, error);
            (int _, string? output) = TestPrograms.Run(Path.Combine(directory, "probe"), []);
            Dictionary<string, long> values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .ToDictionary(l => l[..l.LastIndexOf('=')], l => long.Parse(l[(l.LastIndexOf('=') + 1)..], CultureInfo.InvariantCulture));

            Assert.All(constants, c => Assert.True(values[c.Name] == c.Value, $"{c.Name}: C says {values[c.Name]}, C# has {c.Value}"));
            Assert.True(values["sizeof(posix_spawn_file_actions_t)"] <= Interop.Libc.PosixSpawnFileActionsSize);
            Assert.Equal(values["sizeof(ptrace_syscall_info)"], Marshal.SizeOf<Interop.Libc.PtraceSyscallInfo>());
            Assert.Equal(values["sizeof(struct sigaction)"], Marshal.SizeOf<Interop.Libc.SigActionStruct>());
            Assert.Equal(values["Flags"], (long)Marshal.OffsetOf<Interop.Libc.SigActionStruct>("Flags"));
            Assert.Equal(values["Restorer"], (long)Marshal.OffsetOf<Interop.Libc.SigActionStruct>("Restorer"));
            foreach (string? field in new[] { "Op", "Arch", "EntryNr", "EntryArgs", "ExitRval", "ExitIsError" })
            {
                Assert.Equal(values[field], (long)Marshal.OffsetOf<Interop.Libc.PtraceSyscallInfo>(field));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static readonly string[] RecorderPrefixes = ["PTRACE_", "WUNTRACED", "__W", "SIG", "SA_", "FALLOC_FL_"];

    /// <summary>Constants named as in C: UPPER_CASE macros, and lower-case system call names (their __NR_ numbers).</summary>
    private static IEnumerable<(string Name, long Value)> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && (f.Name.All(c => char.IsUpper(c) || char.IsDigit(c) || c == '_') || f.Name.All(c => char.IsLower(c) || char.IsDigit(c) || c == '_')))
            .Select(f => (f.Name, Convert.ToInt64(f.GetRawConstantValue(), CultureInfo.InvariantCulture)));

    private static string CName(string name) => name.Any(char.IsUpper) ? name : "__NR_" + name;
}
