namespace AmoHub.Grains.Crm.Operations;

/// <summary>How creates wait for amoCRM: set from <c>AmoHub:AmoCrm:MaxWait</c>, where it is checked.</summary>
/// <param name="MaxWait">How long a create waits for amoCRM before it is answered 202 and completed later.</param>
public sealed record OperationSettings(TimeSpan MaxWait);
