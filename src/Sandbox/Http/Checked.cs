using System.Diagnostics.CodeAnalysis;

namespace AmoHub.Sandbox.Http;

/// <summary>A value that passed validation, or the problem answer that says why it did not.</summary>
internal sealed class Checked<T>
    where T : class
{
    internal Checked(T? value, AmoProblem? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The value, when it passed.</summary>
    public T? Value { get; }

    /// <summary>The answer to send, when it did not.</summary>
    public AmoProblem? Problem { get; }

    /// <summary>Whether validation failed.</summary>
    [MemberNotNullWhen(true, nameof(Problem))]
    [MemberNotNullWhen(false, nameof(Value))]
    public bool Failed => Problem is not null;

    /// <summary>A failure.</summary>
    public static implicit operator Checked<T>(AmoProblem problem) => new(null, problem);
}

/// <summary>Makes passed <see cref="Checked{T}"/> values.</summary>
internal static class Checked
{
    /// <summary>A value that passed.</summary>
    public static Checked<T> Ok<T>(T value)
        where T : class => new(value, null);
}
