namespace Serverless.Monitoring.Core.Storage.Catalog;

/// <summary>Where a block stands in its life.</summary>
public enum BlockState
{
    /// <summary>Queried: its samples are not (yet) in any other active block.</summary>
    Active,

    /// <summary>
    /// A tombstone: its samples live on in a merged block (or expired). Kept so that a replayed
    /// ingest batch with the same deterministic block ID adds nothing; its blob is deleted.
    /// </summary>
    Retired,
}
