using System.Runtime.CompilerServices;

namespace Backpack.Aws.Tests;

/// <summary>Keeps the test process away from any real AWS: no instance metadata probing, no shared profile of the machine.</summary>
/// <remarks>
/// AWSSDK.Core fixes where the shared credentials and config files are once per process, when it first looks, and takes
/// <c>AWS_SHARED_CREDENTIALS_FILE</c> and <c>AWS_CONFIG_FILE</c> only if those files exist then (else <c>~/.aws/</c>, the
/// machine's own profiles). So the process gets empty files of its own before anything looks; profile tests write into them.
/// </remarks>
internal static class TestEnvironment
{
    /// <summary>The process's shared credentials file, empty unless a test writes a profile into it.</summary>
    internal static string SharedCredentialsFile { get; private set; } = "";

    /// <summary>The process's shared config file, empty.</summary>
    internal static string SharedConfigFile { get; private set; } = "";

    [ModuleInitializer]
    internal static void Isolate()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        var directory = Directory.CreateTempSubdirectory("backpack-aws-tests-profile-").FullName;
        SharedCredentialsFile = Path.Combine(directory, "credentials");
        SharedConfigFile = Path.Combine(directory, "config");
        File.WriteAllText(SharedCredentialsFile, "");
        File.WriteAllText(SharedConfigFile, "");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        };
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", SharedCredentialsFile);
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", SharedConfigFile);
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
                     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AppGraph_Uid", "AWS_IOT_THING_NAME" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
