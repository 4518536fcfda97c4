using System.Globalization;
using Writeback.Cli.Commands.Check;

namespace Writeback.Cli.Commands.WhatIf;

/// <summary>The human output of <c>writeback whatif</c>: the matrix, then each broken program's failure and the guarantee it relied on.</summary>
internal sealed class WhatIfReport(CliOutput output)
{
    /// <summary>One program's outcome in a few words, for progress lines.</summary>
    public static string Summary(WhatIfProgram program) => program.Status switch
    {
        "compared" when program.IsBroken => $"BROKEN ({string.Join(", ", program.Broken.Select(b => CheckRenderer.KindLabel(b.CrashKind)))})",
        "compared" => "not broken",
        _ => $"{program.Status}: {program.Reason}",
    };

    public void Write(WhatIfDocument document)
    {
        output.WriteWholeLine($"writeback whatif: baseline {document.Baseline} ({document.BaselineSource}) against candidate {document.Candidate} ({document.CandidateSource})");
        output.WriteWholeLine(string.Create(CultureInfo.InvariantCulture,
            $"corpus {document.Corpus}; shard {document.Shard}; seed {document.Seed}; {document.Programs.Count} programs in {document.ElapsedSeconds:0.0} s"));
        output.WriteWholeLine(document.Differences.Count == 0 ? "the models differ in no call" : "the models differ in:");
        foreach (string difference in document.Differences)
        {
            output.WriteWholeLine("  " + difference);
        }
        output.WriteWholeLine("");
        WriteMatrix(document);
        foreach (WhatIfProgram program in document.Programs.Where(p => p.Status != "compared"))
        {
            output.WriteWholeLine($"{program.Status}: {program.Name}: {program.Reason}");
        }
        WriteReductions(document);
        foreach (WhatIfProgram program in document.Programs.Where(p => p.IsBroken))
        {
            foreach (WhatIfBreak broken in program.Broken)
            {
                WriteBreak(program, broken, document.Candidate);
            }
        }
        output.WriteWholeLine("");
        output.WriteWholeLine(document.BrokenPrograms.Count == 0
            ? $"{document.Candidate} breaks none of these programs that {document.Baseline} kept."
            : $"{document.Candidate} breaks {document.BrokenPrograms.Count} of {document.Programs.Count(p => p.Status == "compared")} programs that {document.Baseline} kept: {string.Join(", ", document.BrokenPrograms)}.");
    }

    private void WriteMatrix(WhatIfDocument document)
    {
        int width = Math.Max(7, document.Programs.Select(p => p.Name.Length).DefaultIfEmpty(0).Max());
        output.WriteWholeLine("program".PadRight(width) + string.Concat(document.CrashKinds.Select(k => "  " + CheckRenderer.KindLabel(k).PadRight(14))));
        output.WriteWholeLine(new string(' ', width) + string.Concat(document.CrashKinds.Select(_ => "  " + "base -> cand".PadRight(14))));
        foreach (WhatIfProgram program in document.Programs.Where(p => p.Status == "compared"))
        {
            string cells = string.Concat(program.Verdicts.Select(v => "  " + $"{Verdict(v.BaselinePassed)} -> {Verdict(v.CandidatePassed)}".PadRight(14)));
            output.WriteWholeLine(program.Name.PadRight(width) + cells + (program.IsBroken ? "  BROKEN" : ""));
        }
    }

    // What the explorer collapsed, program by program, so a pass is read with what it compared.
    private void WriteReductions(WhatIfDocument document)
    {
        WhatIfProgram[] reduced = [.. document.Programs.Where(p => p.Reductions.Count > 0)];
        if (reduced.Length == 0)
        {
            return;
        }
        output.WriteWholeLine("");
        output.WriteWholeLine("never-covered files collapsed (both models):");
        foreach (WhatIfProgram program in reduced)
        {
            foreach (string line in program.Reductions)
            {
                output.WriteWholeLine($"  {program.Name}: {line}");
            }
        }
    }

    private static string Verdict(bool passed) => passed ? "pass" : "FAIL";

    private void WriteBreak(WhatIfProgram program, WhatIfBreak broken, string candidate)
    {
        output.WriteWholeLine("");
        output.WriteWholeLine($"{program.Name}: {CheckRenderer.KindLabel(broken.CrashKind)} breaks under {candidate} at crash point #{broken.CrashPointIndex}, {broken.CrashPoint}");
        output.WriteWholeLine($"  checker: {broken.Message}");
        output.WriteWholeLine($"  shrunk state{(broken.ShrunkMessage is { } m && m != broken.Message ? $" ({m})" : "")}:");
        foreach (string line in broken.ShrunkState.Concat(broken.ShrunkPages.Select(p => "pages " + p)))
        {
            output.WriteWholeLine("    " + line);
        }
        output.WriteWholeLine(broken.ReliedOn is null
            ? "  relied on: no call's effect differs; the models' name rules do"
            : $"  relied on: #{broken.ReliedOnCallIndex} {broken.ReliedOn} ({broken.ReliedOnModelCall}: baseline {broken.BaselineEffect}; candidate {broken.CandidateEffect})");
    }
}
