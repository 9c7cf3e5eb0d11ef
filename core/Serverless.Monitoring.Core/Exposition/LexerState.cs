namespace Serverless.Monitoring.Core.Exposition;

/// <summary>Start conditions of the lexers (the <c>%x</c> states of Prometheus's promlex.l and openmetricslex.l).</summary>
internal enum LexerState : byte
{
    Init,
    Comment,
    Meta1,
    Meta2,
    Labels,
    LabelValue,
    Value,
    Timestamp,
    Exemplar,
    ExemplarValue,
    ExemplarTimestamp,
}
