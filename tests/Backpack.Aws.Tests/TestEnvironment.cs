using System.Runtime.CompilerServices;

namespace Backpack.Aws.Tests;

/// <summary>Keeps the test process away from any real AWS: no instance metadata probing, no shared profile of the machine.</summary>
internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void Isolate()
    {
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        var nowhere = Path.Combine(Path.GetTempPath(), "backpack-aws-tests-no-profile-" + Environment.ProcessId);
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(nowhere, "credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(nowhere, "config"));
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
                     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AppGraph_Uid", "AWS_IOT_THING_NAME" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
