namespace Backpack.Aws.Relay;

/// <summary>A relay configuration that cannot be used: every problem found, each naming the setting and what was expected.</summary>
public sealed class CameraRelayConfigurationException : Exception
{
    /// <summary>Creates the exception for <paramref name="problems"/> (at least one).</summary>
    public CameraRelayConfigurationException(IReadOnlyList<string> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception for one problem.</summary>
    public CameraRelayConfigurationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception for one problem with its cause.</summary>
    public CameraRelayConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates an exception with no problem named (for serializers and conventions; prefer the other constructors).</summary>
    public CameraRelayConfigurationException()
        : this("The relay configuration cannot be used.")
    {
    }

    /// <summary>The problems, in the order of the configuration; never empty.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count switch
        {
            0 => "The relay configuration cannot be used.",
            1 => "The relay configuration cannot be used: " + problems[0],
            _ => $"The relay configuration cannot be used ({problems.Count} problems):" + string.Concat(problems.Select(problem => Environment.NewLine + "  - " + problem)),
        };
    }
}
