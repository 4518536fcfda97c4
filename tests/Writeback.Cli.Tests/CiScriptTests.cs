namespace Writeback.Cli.Tests;

/// <summary><c>.ci/unpassed-tests</c>, which <c>.ci/run</c> calls to list every skipped or failed test with its reason.</summary>
public class CiScriptTests
{
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testName="Fuse.Mounts" outcome="NotExecuted" testListId="x">
              <Output>
                <ErrorInfo>
                  <Message>/dev/fuse is missing &amp; root isn&apos;t available</Message>
                </ErrorInfo>
              </Output>
            </UnitTestResult>
            <UnitTestResult testName="Fuse.Passes" outcome="Passed" testListId="x">
            </UnitTestResult>
            <UnitTestResult testName="Fuse.NoReason" outcome="NotExecuted" testListId="x" />
            <UnitTestResult testName="Fuse.Breaks" outcome="Failed" testListId="x">
              <Output>
                <ErrorInfo>
                  <Message>Assert.Equal() Failure: 1 &lt; 2</Message>
                  <StackTrace>at Fuse.Breaks()</StackTrace>
                </ErrorInfo>
              </Output>
            </UnitTestResult>
          </Results>
        </TestRun>
        """;

    [SkippableFact]
    public void Lists_each_skipped_or_failed_test_with_its_reason_and_nothing_else()
    {
        Skip.If(!File.Exists("/bin/bash"), ".ci/unpassed-tests is a bash script");
        using var directory = new TempDirectory();
        string trx = directory.File("run.trx");
        File.WriteAllText(trx, Trx);
        string script = Path.Combine(ProcessRunner.RepositoryRoot(), ".ci", "unpassed-tests");
        ProcessRunner.Result result = ProcessRunner.Run("/bin/bash", [script, trx], directory.Path, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["skipped: Fuse.Mounts: /dev/fuse is missing & root isn't available", "skipped: Fuse.NoReason",
                      "failed: Fuse.Breaks: Assert.Equal() Failure: 1 < 2"],
                     result.StandardOutput.TrimEnd().Split('\n'));
    }
}
