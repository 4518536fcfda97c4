using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Writeback.LossyFs.Fuse;
using Writeback.LossyFs.Tests.Programs;

namespace Writeback.LossyFs.Tests.Protocol;

/// <summary>
/// Every struct size, field offset and constant of the C# FUSE ABI is compared with what gcc
/// computes from /usr/include/linux/fuse.h, so a typo in the mirror fails here, not in the kernel.
/// </summary>
public sealed class FuseAbiTests
{
    private static readonly Lazy<Dictionary<string, ulong>?> s_probe = new(RunProbe);

    private static IEnumerable<Type> AbiStructs() =>
        typeof(FuseKernel).Assembly.GetTypes()
            .Where(type => type.Namespace == typeof(FuseKernel).Namespace && type.IsValueType && !type.IsEnum && !type.IsByRefLike && type.Name.StartsWith("Fuse", StringComparison.Ordinal));

    /// <summary>FuseEntryOut -> fuse_entry_out.</summary>
    private static string CName(Type type) =>
        string.Concat(type.Name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static Dictionary<string, ulong>? RunProbe()
    {
        if (!File.Exists("/usr/include/linux/fuse.h") || FindGcc() is not { } gcc)
        {
            return null;
        }
        var source = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <linux/ioctl.h>\n#include <linux/fuse.h>\nint main(void){\n");
        foreach (Type type in AbiStructs())
        {
            string c = CName(type);
            source.Append(CultureInfo.InvariantCulture, $"printf(\"sizeof {c} %zu\\n\", sizeof(struct {c}));\n");
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                source.Append(CultureInfo.InvariantCulture, $"printf(\"offsetof {c}.{field.Name} %zu\\n\", offsetof(struct {c}, {field.Name}));\n");
            }
        }
        foreach (FieldInfo constant in Constants())
        {
            source.Append(CultureInfo.InvariantCulture, $"printf(\"const {constant.Name} %llu\\n\", (unsigned long long)({constant.Name}));\n");
        }
        foreach (string opcode in Enum.GetNames<FuseOpcode>())
        {
            source.Append(CultureInfo.InvariantCulture, $"printf(\"const {opcode} %llu\\n\", (unsigned long long)({opcode}));\n");
        }
        source.Append("return 0;}\n");
        string directory = Directory.CreateTempSubdirectory("fuse-abi-probe-").FullName;
        try
        {
            string cPath = Path.Combine(directory, "probe.c"), exePath = Path.Combine(directory, "probe");
            File.WriteAllText(cPath, source.ToString());
            Run(gcc, "-o", exePath, cPath);
            return Run(exePath).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(parts => parts[0] + " " + parts[1], parts => ulong.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IEnumerable<FieldInfo> Constants() =>
        typeof(FuseKernel).GetFields(BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Public)
            .Where(field => field.IsLiteral && field.Name != "FUSE_DEV_IOC_CLONE")
            .Append(typeof(FuseKernel).GetField("FUSE_DEV_IOC_CLONE", BindingFlags.NonPublic | BindingFlags.Static)!);

    private static string? FindGcc() => new[] { "/usr/bin/gcc", "/usr/bin/cc" }.FirstOrDefault(File.Exists);

    private static string Run(string file, params string[] arguments)
    {
        // ChildProcess.Run throws when the program does not finish within the timeout.
        (int exitCode, string? output, string? errors) = ChildProcess.Run(file, arguments, 60_000);
        Assert.True(exitCode == 0, $"{file} {string.Join(' ', arguments)} failed: {errors}");
        return output;
    }

    [SkippableFact]
    public void Struct_sizes_and_field_offsets_match_linux_fuse_h()
    {
        Dictionary<string, ulong>? probe = s_probe.Value;
        Skip.If(probe is null, "gcc or /usr/include/linux/fuse.h is missing");
        int checkedStructs = 0;
        foreach (Type type in AbiStructs())
        {
            string c = CName(type);
            Assert.True(probe!.ContainsKey($"sizeof {c}"), $"no C size for {c}");
            Assert.True(probe[$"sizeof {c}"] == (ulong)Marshal.SizeOf(type), $"sizeof(struct {c}) is {probe[$"sizeof {c}"]}, C# {type.Name} is {Marshal.SizeOf(type)}");
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                ulong offset = (ulong)Marshal.OffsetOf(type, field.Name).ToInt64();
                Assert.True(probe[$"offsetof {c}.{field.Name}"] == offset, $"offsetof({c}, {field.Name}) is {probe[$"offsetof {c}.{field.Name}"]}, C# {offset}");
            }
            checkedStructs++;
        }
        Assert.True(checkedStructs >= 30, $"only {checkedStructs} structures found");
    }

    [SkippableFact]
    public void Constants_and_opcodes_match_linux_fuse_h()
    {
        Dictionary<string, ulong>? probe = s_probe.Value;
        Skip.If(probe is null, "gcc or /usr/include/linux/fuse.h is missing");
        foreach (FieldInfo constant in Constants())
        {
            ulong value = Convert.ToUInt64(constant.GetRawConstantValue(), CultureInfo.InvariantCulture);
            ulong c = probe![$"const {constant.Name}"];
            // (1 << 31) is a negative int in C and sign-extends when widened: compare the low 32 bits then.
            ulong comparable = c >> 32 == 0xFFFFFFFF && value <= uint.MaxValue ? c & 0xFFFFFFFF : c;
            Assert.True(comparable == value, $"{constant.Name}: C {c}, C# {value}");
        }
        foreach (FuseOpcode opcode in Enum.GetValues<FuseOpcode>())
        {
            Assert.Equal(probe![$"const {opcode}"], (ulong)opcode);
        }
    }

    [SkippableFact]
    public void The_mirror_is_the_protocol_minor_the_header_declares()
    {
        Skip.IfNot(File.Exists("/usr/include/linux/fuse.h"), "/usr/include/linux/fuse.h is missing");
        string header = File.ReadAllText("/usr/include/linux/fuse.h");
        Assert.Contains($"#define FUSE_KERNEL_MINOR_VERSION {FuseKernel.FUSE_KERNEL_MINOR_VERSION}\n", header, StringComparison.Ordinal);
    }
}
