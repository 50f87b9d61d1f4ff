namespace AmoHub.Sandbox.Tags;

/// <summary>A tag of an account's contacts or leads: each kind has tags of its own, their names unique in any case.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name, as first written.</param>
public sealed record SandboxTag(long Id, string Name);
