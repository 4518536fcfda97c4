using System.Reflection;
using BenchmarkDotNet.Running;
using Writeback.Benchmarks;

// `-- NAME [args]` runs the scenario harness NAME; `-- --list-harnesses` lists them; anything else
// goes to BenchmarkDotNet's switcher (e.g. `-- --filter '*Flush*'`).
var harnesses = typeof(IHarness).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IHarness).IsAssignableFrom(t))
    .Select(t => (IHarness)Activator.CreateInstance(t)!)
    .OrderBy(h => h.Name, StringComparer.Ordinal)
    .ToList();

if (args is ["--list-harnesses", ..])
{
    foreach (IHarness? h in harnesses)
    {
        Console.WriteLine($"{h.Name,-24} {h.Description}");
    }
    return 0;
}

if (args.Length > 0 && harnesses.FirstOrDefault(h => h.Name == args[0]) is { } harness)
{
    return harness.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;
