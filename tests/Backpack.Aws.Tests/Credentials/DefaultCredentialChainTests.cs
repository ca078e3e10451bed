using Backpack.Aws.Panorama;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;
using Microsoft.AspNetCore.Http;

namespace Backpack.Aws.Tests.Credentials;

/// <summary>Clients without explicit credentials use AWSSDK.Core's default chain; these tests change process environment variables.</summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class DefaultCredentialChainTests
{
    [Fact]
    public async Task Without_explicit_credentials_the_environment_variables_are_used()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-west-2", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        using var environment = new EnvironmentScope(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIABACKPACKTEST0002",
            ["AWS_SECRET_ACCESS_KEY"] = TestCredentials.Secret + "2",
            ["AWS_SESSION_TOKEN"] = TestCredentials.Token,
            ["AWS_REGION"] = "us-west-2",
        });
        using var client = new PanoramaClient(new AwsClientOptions { EndpointUrl = fake.Url });

        await client.ListApplicationInstancesAsync();

        client.Region.Should().Be("us-west-2");
        fake.Requests.Should().ContainSingle().Which.SignatureProblem.Should().BeNull();
    }

    [Theory]
    [InlineData(null, "AKIDBACKPACKPROFILE01", null)]
    [InlineData("line-3", "ASIABACKPACKPROFILE02", "ToKeN//ProfileSession//line-3")]
    public async Task Without_explicit_credentials_the_profile_of_the_shared_credentials_file_is_used(string? profile, string accessKey, string? token)
    {
        var accepted = new TestCredentials()
            .Add("AKIDBACKPACKPROFILE01", TestCredentials.Secret + "-default", null)
            .Add("ASIABACKPACKPROFILE02", TestCredentials.Secret + "-line-3", "ToKeN//ProfileSession//line-3");
        await using var fake = await FakeAwsService.StartAsync("panorama", "eu-west-1", accepted, _ => PanoramaAnswers.Page([]));
        // AWSSDK.Core reads the file named by AWS_SHARED_CREDENTIALS_FILE when the process started (see TestEnvironment).
        await File.WriteAllTextAsync(TestEnvironment.SharedCredentialsFile, $"""
            [default]
            aws_access_key_id = AKIDBACKPACKPROFILE01
            aws_secret_access_key = {TestCredentials.Secret}-default

            [line-3]
            aws_access_key_id = ASIABACKPACKPROFILE02
            aws_secret_access_key = {TestCredentials.Secret}-line-3
            aws_session_token = ToKeN//ProfileSession//line-3
            """);
        try
        {
            using var environment = new EnvironmentScope(new() { ["AWS_PROFILE"] = profile });
            using var client = new PanoramaClient(new AwsClientOptions { Region = "eu-west-1", EndpointUrl = fake.Url });

            await client.ListApplicationInstancesAsync();

            var request = fake.Requests.Should().ContainSingle().Subject;
            request.SignatureProblem.Should().BeNull();
            request.Headers["Authorization"].Should().Contain($"Credential={accessKey}/");
            request.Headers.GetValueOrDefault("X-Amz-Security-Token").Should().Be(token);
        }
        finally
        {
            await File.WriteAllTextAsync(TestEnvironment.SharedCredentialsFile, "");
        }
    }

    [Fact]
    public async Task In_a_container_the_credentials_come_from_the_container_credentials_endpoint()
    {
        var authorizations = new List<string>();
        await using var containerEndpoint = await LocalHttpServer.StartAsync(async context =>
        {
            lock (authorizations)
            {
                authorizations.Add(context.Request.Headers.Authorization.ToString());
            }
            await context.Response.WriteAsync($$"""
                {"AccessKeyId":"ASIABACKPACKTEST0002","SecretAccessKey":"{{TestCredentials.Secret}}2","Token":"{{TestCredentials.Token}}","Expiration":"{{DateTime.UtcNow.AddHours(6):yyyy-MM-ddTHH:mm:ssZ}}"}
                """);
        });
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        using var environment = new EnvironmentScope(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = new Uri(containerEndpoint.Url, "v2/credentials/task-role").ToString(),
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "container-auth-token",
        });
        using var client = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", EndpointUrl = fake.Url });

        await client.ListApplicationInstancesAsync();

        fake.Requests.Should().ContainSingle().Which.SignatureProblem.Should().BeNull();
        fake.Requests[0].Headers["X-Amz-Security-Token"].Should().Be(TestCredentials.Token);
        authorizations.Should().NotBeEmpty().And.OnlyContain(a => a == "container-auth-token");
    }

    [Fact]
    public async Task On_an_EC2_instance_the_credentials_come_from_the_instance_profile_through_IMDSv2()
    {
        await using var imds = await FakeInstanceMetadata.StartAsync("ASIABACKPACKTEST0002", TestCredentials.Secret + "2", TestCredentials.Token);
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        using var environment = new EnvironmentScope(new()
        {
            ["AWS_EC2_METADATA_DISABLED"] = "false",
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Url.ToString().TrimEnd('/'),
        });
        using var client = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", EndpointUrl = fake.Url });

        await client.ListApplicationInstancesAsync();

        fake.Requests.Should().ContainSingle().Which.SignatureProblem.Should().BeNull();
        imds.Requests.Should().Contain("PUT /latest/api/token").And.Contain("GET /latest/meta-data/iam/security-credentials/" + FakeInstanceMetadata.RoleName);
    }

    [Fact]
    public async Task Without_any_credentials_the_call_fails_saying_where_it_looked()
    {
        await using var fake = await FakeAwsService.StartAsync("panorama", "us-east-1", TestCredentials.Default, _ => PanoramaAnswers.Page([]));
        using var client = new PanoramaClient(new AwsClientOptions { Region = "us-east-1", EndpointUrl = fake.Url });

        var call = () => client.ListApplicationInstancesAsync();

        (await call.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("default chain");
        fake.Requests.Should().BeEmpty();
    }
}
