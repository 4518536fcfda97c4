namespace Writeback.LossyFs.Control;

/// <summary>No server listens on the mount's control socket (missing, or the connection is refused).</summary>
internal sealed class ServerGoneException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ServerGoneException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
