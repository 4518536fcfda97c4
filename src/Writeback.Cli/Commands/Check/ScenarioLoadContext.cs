using System.Reflection;
using System.Runtime.Loader;

namespace Writeback.Cli.Commands.Check;

/// <summary>
/// The collectible load context a user's scenario assembly runs in. Its own dependencies resolve
/// from its directory (its deps.json); Writeback and Writeback.Simulation resolve to the CLI's
/// copies, so that its <see cref="ICrashScenario"/> is the very interface the CLI runs.
/// </summary>
internal sealed class ScenarioLoadContext : AssemblyLoadContext
{
    private static readonly HashSet<string> s_shared = new(StringComparer.OrdinalIgnoreCase)
    {
        typeof(IMappedStorage).Assembly.GetName().Name!,
        typeof(ICrashScenario).Assembly.GetName().Name!,
    };

    private readonly AssemblyDependencyResolver _resolver;

    /// <summary>Creates the context for the assembly at <paramref name="assemblyPath"/>.</summary>
    /// <param name="assemblyPath">The user's assembly.</param>
    public ScenarioLoadContext(string assemblyPath)
        : base($"writeback check: {Path.GetFileName(assemblyPath)}", isCollectible: true) =>
        _resolver = new AssemblyDependencyResolver(assemblyPath);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // null: fall back to the default context, which holds the CLI's Writeback assemblies.
        if (assemblyName.Name is { } name && s_shared.Contains(name))
        {
            return null;
        }

        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override nint LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? 0 : LoadUnmanagedDllFromPath(path);
    }
}
