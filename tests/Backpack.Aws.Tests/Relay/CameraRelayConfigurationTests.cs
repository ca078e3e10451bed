using System.Runtime.Versioning;
using System.Text;
using Backpack.Aws.Relay;
using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Backpack.Aws.Tests.Relay;

/// <summary>The relay's configuration: its names as the issue gives them, defaults, overrides, and every problem listed at once.</summary>
[SupportedOSPlatform("linux")]
public sealed class CameraRelayConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backpack-relay-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_issues_example_reads_as_written()
    {
        WriteCertificates("dock-1");
        File.WriteAllText(Path.Combine(_folder, "certs", "root-ca.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        var options = Read("""
            {
              "cameras": [ { "name": "dock-1", "source": "rtsp://10.0.0.5/stream1", "enabled": true } ],
              "video": { "width": 1280, "height": 720, "fps": 15, "mode": "annotate" },
              "kinesis": { "region": "eu-west-1", "endpointUrl": null, "createStreams": false },
              "iot": { "credentialsEndpoint": "xxxx.credentials.iot.eu-west-1.amazonaws.com", "roleAlias": "BackpackRole",
                       "certificate": "certs/{camera}-cert.pem", "privateKey": "certs/{camera}-private.key", "rootCa": "certs/root-ca.pem",
                       "dataEndpoint": "xxxx-ats.iot.eu-west-1.amazonaws.com" },
              "rtsp": { "port": 8554 }
            }
            """);

        options.Cameras.Should().ContainSingle().Which.Source.Should().Be("rtsp://10.0.0.5/stream1");
        options.Kinesis!.Region.Should().Be("eu-west-1");
        options.Iot!.RoleAlias.Should().Be("BackpackRole");
        options.Rtsp!.Port.Should().Be(8554);
        var camera = RelayPlan.Resolve(options, _folder).Cameras.Should().ContainSingle().Subject;
        camera.CertificatePath.Should().Be(Path.Combine(_folder, "certs", "dock-1-cert.pem"));
        camera.PrivateKeyPath.Should().Be(Path.Combine(_folder, "certs", "dock-1-private.key"));
    }

    [Fact]
    public void A_camera_streams_720p_at_15_fps_annotated_unless_told_otherwise_and_overrides_only_what_it_names()
    {
        var plan = Plan("""
            {
              "cameras": [
                { "name": "yard", "source": "test:" },
                { "name": "gate", "source": "test:", "video": { "fps": 5, "mode": "passthrough" } }
              ],
              "video": { "width": 640 },
              "rtsp": {}
            }
            """);

        plan.Cameras[0].Should().Match<RelayCameraPlan>(camera => camera.Width == 640 && camera.Height == 720 && camera.Fps == 15 && camera.Mode == RelayMode.Annotate && camera.Enabled && camera.UseTcp);
        plan.Cameras[1].Should().Match<RelayCameraPlan>(camera => camera.Width == 640 && camera.Height == 720 && camera.Fps == 5 && camera.Mode == RelayMode.Passthrough);
        plan.Options.Rtsp.Should().NotBeNull("an rtsp section that is present switches RTSP on, even empty");
        plan.Options.Rtsp!.Port.Should().Be(8554);
        plan.Options.Kinesis.Should().BeNull("without a kinesis section nothing goes to Kinesis");
    }

    [Theory]
    [InlineData("dock-1_0f8fad5b-d9cb-469f-a165-70867728950e", "dock-1")]
    [InlineData("dock-1-0F8FAD5B-D9CB-469F-A165-70867728950E", "dock-1")]
    [InlineData("dock-1__0f8fad5b-d9cb-469f-a165-70867728950e", "dock-1_")]
    [InlineData("dock0f8fad5b-d9cb-469f-a165-70867728950e", "dock")]
    [InlineData("dock-1", "dock-1")]
    [InlineData("0f8fad5b-d9cb-469f", "0f8fad5b-d9cb-469f")]
    public void A_trailing_uuid_and_the_one_separator_before_it_are_not_part_of_the_stream_name(string name, string streamName) =>
        RelayStreamName.FromCameraName(name).Should().Be(streamName);

    [Fact]
    public void Misspelt_settings_and_values_of_the_wrong_type_are_all_named_by_their_path()
    {
        var act = () => Read("""
            {
              "cameras": [ { "name": "dock-1", "source": "test:", "enabeld": false, "video": { "fps": "fast" } } ],
              "video": { "mode": "blur", "height": 7.5 },
              "kinesis": { "createStreams": "sometimes" },
              "rtps": { "port": 8554 }
            }
            """);

        var problems = act.Should().Throw<CameraRelayConfigurationException>().Which.Problems;
        problems.Should().HaveCount(6);
        problems.Should().Contain(problem => problem.StartsWith("cameras[0].enabeld: unknown setting", StringComparison.Ordinal) && problem.Contains("enabled", StringComparison.Ordinal));
        problems.Should().Contain("cameras[0].video.fps: 'fast' is not a whole number.");
        problems.Should().Contain("video.mode: 'blur' is not a video mode (expected annotate or passthrough).");
        problems.Should().Contain("video.height: '7.5' is not a whole number.");
        problems.Should().Contain("kinesis.createStreams: 'sometimes' is not true or false.");
        problems.Should().Contain(problem => problem.StartsWith("rtps: unknown setting", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        WriteCertificates("dock-1");
        var act = () => Read("""
            {
              "cameras": [
                { "name": "dock-1", "source": "rtsp://10.0.0.5/stream1" },
                { "name": "dock-1_0f8fad5b-d9cb-469f-a165-70867728950e", "source": "rtsp://10.0.0.6/stream1" },
                { "name": "dock.2", "source": "ftp://10.0.0.7/video" },
                { "name": "dock-3", "source": "rtsp://10.0.0.8/stream1", "transport": "sctp" },
                { "source": "clips/missing.mp4" }
              ],
              "video": { "width": 1281, "fps": 90 },
              "kinesis": { "region": "Ireland", "fragmentSeconds": 12 },
              "iot": { "roleAlias": "BackpackRole", "rootCa": "certs/root-ca.pem" }
            }
            """);

        var problems = act.Should().Throw<CameraRelayConfigurationException>().Which.Problems;
        problems.Should().Contain("video.width: 1281 is not an even number from 16 to 7680.");
        problems.Should().Contain("video.fps: 90 is outside 1 to 60.");
        problems.Should().Contain("kinesis.region: 'Ireland' is not an AWS region, such as eu-west-1.");
        problems.Should().Contain(problem => problem.StartsWith("kinesis.fragmentSeconds: 12", StringComparison.Ordinal));
        problems.Should().Contain(problem => problem.StartsWith("iot.credentialsEndpoint is required with kinesis", StringComparison.Ordinal));
        problems.Should().Contain(problem => problem.StartsWith("cameras[1].name: 'dock-1_0f8fad5b-d9cb-469f-a165-70867728950e' streams as 'dock-1', as cameras[0] ('dock-1') does", StringComparison.Ordinal));
        problems.Should().Contain(problem => problem.StartsWith("cameras[2].name: 'dock.2' is not usable as both a Kinesis stream and an IoT thing name", StringComparison.Ordinal));
        problems.Should().Contain(problem => problem.StartsWith("cameras[2].source: the scheme 'ftp:' is not a camera source (expected one of: rtsp:", StringComparison.Ordinal));
        problems.Should().Contain("cameras[3].transport: 'sctp' is not an RTSP transport (expected tcp or udp).");
        problems.Should().Contain(problem => problem.StartsWith($"iot.certificate of camera 'dock-3': {Path.Combine(_folder, "certs", "dock-3-cert.pem")} does not exist", StringComparison.Ordinal));
        problems.Should().Contain(problem => problem.StartsWith("cameras[4].name is required", StringComparison.Ordinal));
        problems.Should().Contain($"cameras[4].source: the file {Path.Combine(_folder, "clips", "missing.mp4")} does not exist (a source without a scheme is a video file).");
        problems.Should().Contain($"iot.rootCa: {Path.Combine(_folder, "certs", "root-ca.pem")} does not exist or is not a file.");
    }

    [Fact]
    public void A_relay_without_an_output_or_a_camera_says_what_to_add()
    {
        var act = () => Read("""{ "cameras": [] }""");

        var problems = act.Should().Throw<CameraRelayConfigurationException>().Which.Problems;
        problems.Should().HaveCount(2);
        problems.Should().Contain(problem => problem.StartsWith("No output: add a kinesis section", StringComparison.Ordinal));
        problems.Should().Contain(problem => problem.StartsWith("cameras: no camera", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, "0644")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, "0440")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite, "0602")]
    public void A_private_key_other_users_can_open_is_refused_naming_the_file_and_its_mode(UnixFileMode mode, string octal)
    {
        WriteCertificates("dock-1");
        var key = Path.Combine(_folder, "certs", "dock-1-private.key");
        File.SetUnixFileMode(key, mode);

        var act = () => Read(KinesisWithIot("dock-1"));

        act.Should().Throw<CameraRelayConfigurationException>().Which.Problems.Should().Equal(
            $"iot.privateKey of camera 'dock-1': {key} is open to other users (mode {octal}); the relay refuses it: make it owner-only with chmod 600 {key}.");
    }

    [Fact]
    public void An_owner_only_private_key_is_accepted() =>
        WriteCertificates("dock-1").Invoking(_ => Read(KinesisWithIot("dock-1"))).Should().NotThrow();

    [Fact]
    public void Environment_variables_override_the_file()
    {
        const string Port = CameraRelayConfiguration.EnvironmentPrefix + "rtsp__port";
        const string Enabled = CameraRelayConfiguration.EnvironmentPrefix + "cameras__0__enabled";
        Environment.SetEnvironmentVariable(Port, "9554");
        Environment.SetEnvironmentVariable(Enabled, "false");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""{ "cameras": [ { "name": "yard", "source": "test:" } ], "rtsp": { "port": 8554 } }""")))
                .AddEnvironmentVariables(CameraRelayConfiguration.EnvironmentPrefix)
                .Build();

            var options = CameraRelayConfiguration.Read(configuration, _folder);

            options.Rtsp!.Port.Should().Be(9554);
            options.Cameras[0].Enabled.Should().BeFalse();
        }
        finally
        {
            Environment.SetEnvironmentVariable(Port, null);
            Environment.SetEnvironmentVariable(Enabled, null);
        }
    }

    [Fact]
    public void Passwords_never_appear_in_problems()
    {
        const string Secret = "Pa55-w0rd-Canary";
        var act = () => Read($$"""
            {
              "cameras": [ { "name": "dock.1", "source": "ftp://admin:{{Secret}}@10.0.0.5/", "password": "{{Secret}}" } ],
              "rtsp": { "password": "{{Secret}}", "port": 70000 }
            }
            """);

        var exception = act.Should().Throw<CameraRelayConfigurationException>().Which;
        exception.Problems.Should().HaveCountGreaterThan(2);
        exception.ToString().Should().NotContain(Secret);
    }

    private string KinesisWithIot(string camera) => $$"""
        {
          "cameras": [ { "name": "{{camera}}", "source": "test:" } ],
          "kinesis": { "region": "eu-west-1" },
          "iot": { "credentialsEndpoint": "xxxx.credentials.iot.eu-west-1.amazonaws.com", "roleAlias": "BackpackRole" }
        }
        """;

    private CameraRelayConfigurationTests WriteCertificates(string camera)
    {
        var certs = Directory.CreateDirectory(Path.Combine(_folder, "certs")).FullName;
        File.WriteAllText(Path.Combine(certs, $"{camera}-cert.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        var key = Path.Combine(certs, $"{camera}-private.key");
        File.WriteAllText(key, "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return this;
    }

    private CameraRelayOptions Read(string json) =>
        CameraRelayConfiguration.Read(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build(), _folder);

    private RelayPlan Plan(string json) => RelayPlan.Resolve(Read(json), _folder);
}
