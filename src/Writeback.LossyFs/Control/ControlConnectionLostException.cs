namespace Writeback.LossyFs.Control;

/// <summary>The control connection ended before the answer arrived: the caller checks the outcome instead of guessing.</summary>
internal sealed class ControlConnectionLostException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ControlConnectionLostException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
