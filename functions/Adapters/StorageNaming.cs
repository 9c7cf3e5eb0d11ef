using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters;

/// <summary>
/// Azure Storage's rules for container, queue, table and blob names, which every adapter
/// enforces before it does anything, so that a name that works embedded also works in Azure.
/// A name that breaks a rule is a <see cref="StorageRequestException"/> (<c>InvalidResourceName</c>).
/// </summary>
internal static class StorageNaming
{
    /// <summary>What the queue adapters append to a queue's name for its poison queue.</summary>
    public const string PoisonQueueSuffix = "-poison";

    public const int MaxBlobNameLength = 1024;

    public const int MaxTableKeyLength = 1024;

    private const string InvalidResourceName = "InvalidResourceName";

    /// <summary>Containers and queues: 3 to 63 lowercase letters, digits and single hyphens, not at either end.</summary>
    public static string CheckContainerOrQueue(string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valid = name.Length is >= 3 and <= 63 && name[0] != '-' && name[^1] != '-';
        for (var i = 0; valid && i < name.Length; i++)
        {
            var c = name[i];
            valid = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || (c == '-' && name[i - 1] != '-');
        }

        return valid ? name : throw new StorageRequestException(
            $"'{name}' is not a valid {kind} name: use 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
            InvalidResourceName);
    }

    /// <summary>A queue name, short enough (at most 56 characters) that its poison queue's name is valid too.</summary>
    public static string CheckQueue(string name)
    {
        CheckContainerOrQueue(name, "queue");
        CheckContainerOrQueue(name + PoisonQueueSuffix, $"poison queue (queue names are at most 56 characters so that '{PoisonQueueSuffix}' fits)");
        return name;
    }

    /// <summary>Tables: 3 to 63 ASCII letters and digits, starting with a letter; "tables" is reserved.</summary>
    public static string CheckTable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valid = name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit)
            && !name.Equals("tables", StringComparison.OrdinalIgnoreCase);
        return valid ? name : throw new StorageRequestException(
            $"'{name}' is not a valid table name: use 3 to 63 ASCII letters and digits, starting with a letter (not 'tables').",
            InvalidResourceName);
    }

    /// <summary>Table keys: at most 1 KiB, without '/', '\', '#', '?' or control characters, which Azure Tables forbid.</summary>
    public static string CheckTableKey(string key, string which)
    {
        ArgumentNullException.ThrowIfNull(key, which);
        if (key.Length > MaxTableKeyLength)
        {
            throw new StorageRequestException($"The {which} is longer than {MaxTableKeyLength} characters.", "OutOfRangeInput");
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new StorageRequestException(
                    $"The {which} '{key}' contains '/', '\\', '#', '?' or a control character, which Azure Tables forbid.", "OutOfRangeInput");
            }
        }

        return key;
    }

    /// <summary>
    /// Blobs: 1 to 1,024 characters of well-formed Unicode, without '\' (the Blob service turns it
    /// into '/') and without '.' or '..' path segments (URI normalization collapses them, so the
    /// request would address another blob).
    /// </summary>
    public static string CheckBlobName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxBlobNameLength || !IsWellFormedUtf16(name))
        {
            throw new StorageRequestException(
                $"Invalid blob name (1 to {MaxBlobNameLength} characters of well-formed Unicode, got {name.Length}).", InvalidResourceName);
        }

        if (name.Contains('\\', StringComparison.Ordinal))
        {
            throw new StorageRequestException($"Blob name '{name}' contains '\\', which Azure Storage rewrites to '/'.", InvalidResourceName);
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment is "." or "..")
            {
                throw new StorageRequestException($"Blob name '{name}' has a '.' or '..' path segment, which URIs cannot carry.", InvalidResourceName);
            }
        }

        return name;
    }

    /// <summary>True when the string has no unpaired surrogate, so it round-trips through UTF-8.</summary>
    public static bool IsWellFormedUtf16(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
