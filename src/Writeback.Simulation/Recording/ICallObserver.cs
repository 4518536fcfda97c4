namespace Writeback.Simulation.Recording;

/// <summary>One persistence-relevant call as <see cref="CallRecordingStorage"/> sees it, before it is passed on.</summary>
/// <param name="Kind">Which call.</param>
/// <param name="File">The inner storage's file the call is made on; null for directory calls.</param>
/// <param name="Description">The call in words (<see cref="CallText"/>).</param>
/// <param name="OffsetBytes">The range's offset (0 when the call has none).</param>
/// <param name="LengthBytes">The range's length, or the new length of <c>SetLength</c>.</param>
/// <param name="Operation">
/// For <see cref="CallKind.FlushAsync"/> and <see cref="CallKind.FlushAsyncCompleted"/>: the same
/// object for the start and the completion of one flush; null otherwise.
/// </param>
internal readonly record struct ObservedCall(CallKind Kind, IMappedFile? File, string Description, long OffsetBytes, long LengthBytes,
                                             object? Operation = null)
{
    /// <summary>For name calls: the path (a directory call's directory, "" for the root); null otherwise.</summary>
    public string? Path { get; init; }

    /// <summary>For a rename: the target path; null otherwise.</summary>
    public string? TargetPath { get; init; }

    /// <summary>Whether a range flush on this file flushes the whole file (<see cref="FlushSemantics.WholeFile"/>).</summary>
    public bool WholeFileSemantics => Kind == CallKind.FlushFile
        || File?.Semantics == FlushSemantics.WholeFile && Kind is CallKind.Flush or CallKind.FlushMapping or CallKind.FlushAsync or CallKind.FlushAsyncCompleted;
}

/// <summary>What <see cref="CallRecordingStorage"/> tells about the calls made through it.</summary>
internal interface ICallObserver
{
    /// <summary>A call is about to be passed on. Throwing here stops it: it is then not passed on.</summary>
    void BeforeCall(in ObservedCall call);

    /// <summary>The call was passed on and returned, or threw <paramref name="error"/>.</summary>
    void AfterCall(in ObservedCall call, Exception? error);

    /// <summary>A writable span over <paramref name="file"/> was handed out: stores through it are not calls.</summary>
    void SpanTaken(IMappedFile file, long offsetBytes, int lengthBytes);
}
