using Backpack.Aws.Identity;
using Backpack.Aws.Panorama;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;

namespace Backpack.Aws.Tests.Identity;

[Collection(ProcessEnvironmentTests.Name)]
public sealed class AutoIdentityEnvironmentTests
{
    [Fact]
    public async Task Without_an_explicit_id_the_AppGraph_Uid_environment_variable_is_used()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default,
            _ => PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-from-env")]));
        using var environment = new EnvironmentScope(new() { ["AppGraph_Uid"] = "applicationInstance-from-env" });
        using var client = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", EndpointUrl = fake.Url, Credentials = TestCredentials.Static });

        var identity = await AutoIdentity.FetchAsync(client);

        identity.ApplicationInstanceId.Should().Be("applicationInstance-from-env");
    }
}
