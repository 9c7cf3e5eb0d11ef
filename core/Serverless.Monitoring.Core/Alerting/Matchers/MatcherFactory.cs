using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Matchers;

/// <summary>Builds a <see cref="LabelMatcher"/>, turning a regex our engine refuses into a <see cref="FormatException"/>.</summary>
internal static class MatcherFactory
{
    public static LabelMatcher Create(LabelMatchType type, string name, string value, string prefix = "")
    {
        try
        {
            return LabelMatcher.Create(type, name, value);
        }
        catch (ArgumentException ex)
        {
            // Go says "error parsing regexp: …"; our engine's reason follows the same words.
            throw new FormatException($"{prefix}error parsing regexp: {ex.Message}", ex);
        }
    }
}
