namespace Serverless.Monitoring.Core.Relabeling;

/// <summary>What a relabeling rule does (Prometheus's <c>action</c>).</summary>
public enum RelabelAction
{
    /// <summary>Writes the expanded replacement to the (expanded) target label when the regex matches.</summary>
    Replace,

    /// <summary>Drops the label set unless the regex matches the joined source values.</summary>
    Keep,

    /// <summary>Drops the label set when the regex matches the joined source values.</summary>
    Drop,

    /// <summary>Drops the label set unless the joined source values equal the target label's value.</summary>
    KeepEqual,

    /// <summary>Drops the label set when the joined source values equal the target label's value.</summary>
    DropEqual,

    /// <summary>Sets the target label to the MD5 hash of the joined source values modulo <c>modulus</c>.</summary>
    HashMod,

    /// <summary>Copies each label whose name matches the regex to the name given by the expanded replacement.</summary>
    LabelMap,

    /// <summary>Removes each label whose name matches the regex.</summary>
    LabelDrop,

    /// <summary>Removes each label whose name does not match the regex.</summary>
    LabelKeep,

    /// <summary>Sets the target label to the joined source values in lower case.</summary>
    Lowercase,

    /// <summary>Sets the target label to the joined source values in upper case.</summary>
    Uppercase,
}

/// <summary>Configuration spellings of <see cref="RelabelAction"/>.</summary>
public static class RelabelActions
{
    /// <summary>Parses an action case-insensitively as upstream does; false for an unknown name.</summary>
    public static bool TryParse(string? text, out RelabelAction action)
    {
        switch (text?.ToLowerInvariant())
        {
            case "replace": action = RelabelAction.Replace; return true;
            case "keep": action = RelabelAction.Keep; return true;
            case "drop": action = RelabelAction.Drop; return true;
            case "keepequal": action = RelabelAction.KeepEqual; return true;
            case "dropequal": action = RelabelAction.DropEqual; return true;
            case "hashmod": action = RelabelAction.HashMod; return true;
            case "labelmap": action = RelabelAction.LabelMap; return true;
            case "labeldrop": action = RelabelAction.LabelDrop; return true;
            case "labelkeep": action = RelabelAction.LabelKeep; return true;
            case "lowercase": action = RelabelAction.Lowercase; return true;
            case "uppercase": action = RelabelAction.Uppercase; return true;
            default: action = default; return false;
        }
    }

    /// <summary>The lower-case configuration name, e.g. <c>hashmod</c>.</summary>
    public static string ToConfigString(this RelabelAction action) => action switch
    {
        RelabelAction.Replace => "replace",
        RelabelAction.Keep => "keep",
        RelabelAction.Drop => "drop",
        RelabelAction.KeepEqual => "keepequal",
        RelabelAction.DropEqual => "dropequal",
        RelabelAction.HashMod => "hashmod",
        RelabelAction.LabelMap => "labelmap",
        RelabelAction.LabelDrop => "labeldrop",
        RelabelAction.LabelKeep => "labelkeep",
        RelabelAction.Lowercase => "lowercase",
        RelabelAction.Uppercase => "uppercase",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
