namespace Writeback.Simulation;

/// <summary>What happened to one page of a file in a post-crash image.</summary>
public enum PageFate
{
    /// <summary>The model guarantees this page: its content is the last version stored before the crash point.</summary>
    Durable,

    /// <summary>Not guaranteed, and a newer version than the guaranteed one reached the disk anyway.</summary>
    Kept,

    /// <summary>Not guaranteed, and the disk still holds the guaranteed (older) content.</summary>
    Lost,

    /// <summary>Not guaranteed, and the page is a mix of an older and a newer version at the atomic write unit.</summary>
    Torn,
}
