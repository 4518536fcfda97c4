using System.Reflection;
using System.Text;

namespace Writeback.Tests;

/// <summary>
/// The public surface, snapshotted: names and signatures that ARCHITECTURE.md promises (and that
/// other components and users compile against) cannot change by accident, for every shipped library.
/// After an intended change, copy PublicApi[.assembly].received.txt over the .approved.txt.
/// </summary>
public sealed class PublicApiTests
{
    /// <summary>
    /// One baseline per shipped library: PublicApi.approved.txt for Writeback, and
    /// PublicApi.&lt;assembly&gt;.approved.txt for the others, so an API change is a visible diff.
    /// </summary>
    [Theory]
    [InlineData("Writeback")]
    [InlineData("Writeback.Simulation")]
    [InlineData("Writeback.Tracing")]
    [InlineData("Writeback.LossyFs")]
    public void PublicApiMatchesTheApprovedSnapshot(string assemblyName)
    {
        string actual = Describe(Assembly.Load(assemblyName));
        string directory = Path.Combine(AppContext.BaseDirectory, "..", "..", "..");
        string stem = assemblyName == "Writeback" ? "PublicApi" : $"PublicApi.{assemblyName}";
        string approvedPath = Path.GetFullPath(Path.Combine(directory, stem + ".approved.txt"));
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (approved != actual)
        {
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(approvedPath)!, stem + ".received.txt"), actual);
        }
        Assert.True(approved == actual, $"{assemblyName}'s public API differs from {stem}.approved.txt; after an intended change copy {stem}.received.txt over it (diff them to review)");
    }

    [Fact]
    public void TheArchitecturesTypesAreAllPublic()
    {
        string[] promised =
        [
            "IMappedStorage", "DirectoryStorage", "IMappedFile", "MappedFile", "MappedFileOptions",
            "FlushSemantics", "PageCacheState", "MemoryAdvice", "WritebackException",
        ];
        var types = typeof(MappedFile).Assembly.GetExportedTypes().Select(t => t.Name).ToHashSet();
        Assert.All(promised, name => Assert.Contains(name, types));
    }

    private static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (Type? type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Kind(type)).Append(' ').Append(type.FullName);
            var bases = new List<string>();
            if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
            {
                bases.Add(Name(baseType));
            }
            bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic).Select(Name).Order(StringComparer.Ordinal));
            if (bases.Count > 0)
            {
                text.Append(" : ").Append(string.Join(", ", bases));
            }
            text.Append('\n');
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (string? member in type.GetMembers(Flags).Select(Member).Where(m => m is not null).Order(StringComparer.Ordinal))
            {
                text.Append("  ").Append(member).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";

    private static string? Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo { IsSpecialName: true } => null,
        MethodInfo m when m.DeclaringType!.IsEnum => null,
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        FieldInfo { IsSpecialName: true } => null,
        FieldInfo f when f.DeclaringType!.IsEnum => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }
        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }
        if (!type.IsGenericType)
        {
            return type.Namespace == "Writeback" ? type.Name : type.FullName ?? type.Name;
        }
        string name = type.GetGenericTypeDefinition().FullName!;
        name = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
