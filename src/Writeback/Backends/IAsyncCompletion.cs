namespace Writeback.Backends;

/// <summary>Receives the result of an <see cref="AsyncRequest"/>, exactly once, on an engine thread.</summary>
internal interface IAsyncCompletion
{
    /// <summary>
    /// Called when the request finished: <paramref name="errno"/> is 0 or the error. Must not block
    /// for long and must not throw: it runs on the engine's completion thread.
    /// </summary>
    void OnCompleted(in AsyncRequest request, int errno);
}
