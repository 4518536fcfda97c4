using System.Text.Json.Serialization;

namespace Writeback.LossyFs.Control;

/// <summary>One request on the control socket (one JSON line).</summary>
internal sealed record ControlRequest(string Command, CrashOptions? Crash = null, FaultSpec? Fault = null);

/// <summary>The answer (one JSON line).</summary>
internal sealed record ControlResponse(bool Ok, string? Error = null, LossyFsStatus? Status = null, CrashResult? Crash = null);

/// <summary>Source-generated JSON for the control protocol (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
