namespace Writeback.Native;

/// <summary>
/// An assembly's own exception for a failed system call, created by <see cref="Errors"/> (the one
/// place errno becomes an exception) with a message from <see cref="Errors.Message"/>.
/// </summary>
/// <typeparam name="TSelf">The exception type.</typeparam>
internal interface IErrnoException<TSelf>
    where TSelf : Exception, IErrnoException<TSelf>
{
    /// <summary>Creates the exception for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    static abstract TSelf Create(string operation, string? path, long? offset, long? length, int errno);
}
