using Backpack.Aws.Kinesis.KvsSink;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

public sealed class KvsIotCertificateTests
{
    private const string Endpoint = "c1abcd2ef3gh.credentials.iot.eu-west-1.amazonaws.com";

    private static KvsIotCertificate Sample() =>
        new(Endpoint, "/panorama/certs/cam-1-cert.pem", "/panorama/certs/cam-1-private.key", "/panorama/certs/cacert.pem", "BackpackRole");

    [Fact]
    public void The_structure_has_kvssink_keys_in_order_with_string_typed_values()
    {
        Sample().ToStructureString().Should().Be(
            "iot-certificate,endpoint=(string)c1abcd2ef3gh.credentials.iot.eu-west-1.amazonaws.com," +
            "cert-path=(string)/panorama/certs/cam-1-cert.pem,key-path=(string)/panorama/certs/cam-1-private.key," +
            "ca-path=(string)/panorama/certs/cacert.pem,role-aliases=(string)BackpackRole");
    }

    [Fact]
    public void Thing_name_and_timeouts_are_strings_of_whole_seconds()
    {
        var certificate = new KvsIotCertificate(Endpoint + ":443", "c.pem", "k.key", "ca.pem", "Role=a,b@c")
        {
            ThingName = "dock:1_a-b",
            ConnectionTimeout = TimeSpan.FromSeconds(10),
            CompletionTimeout = TimeSpan.FromMinutes(1),
        };

        certificate.ToStructureString().Should().Be(
            $"iot-certificate,endpoint=(string){Endpoint}:443,cert-path=(string)c.pem,key-path=(string)k.key,ca-path=(string)ca.pem," +
            "role-aliases=(string)\"Role=a,b@c\",iot-thing-name=(string)dock:1_a-b,connection-timeout=(string)10,completion-timeout=(string)60");
        certificate.ToString().Should().Be(certificate.ToStructureString());
    }

    [Fact]
    public void Paths_with_spaces_and_quotes_are_quoted_and_escaped()
    {
        new KvsIotCertificate(Endpoint, "/my certs/cam \"1\".pem", "C:\\keys\\k.key", "ca.pem", "R").ToStructureString().Should().Be(
            $"iot-certificate,endpoint=(string){Endpoint},cert-path=(string)\"/my certs/cam \\\"1\\\".pem\",key-path=(string)\"C:\\\\keys\\\\k.key\",ca-path=(string)ca.pem,role-aliases=(string)R");
    }

    [Theory]
    [InlineData("https://x.credentials.iot.eu-west-1.amazonaws.com", "endpoint", "has a scheme")]
    [InlineData("x.credentials.iot.eu-west-1.amazonaws.com/role-aliases", "endpoint", "not a host or host:port")]
    [InlineData("", "endpoint", "is empty")]
    [InlineData("x.credentials.iot.eu-west-1.amazonaws.com:65536", "endpoint", "not a host or host:port")]
    [InlineData("x.credentials.iot.eu-west-1.amazonaws.com:0", "endpoint", "not a host or host:port")]
    public void A_bad_endpoint_is_refused_saying_what_is_expected(string endpoint, string parameter, string message)
    {
        var act = () => new KvsIotCertificate(endpoint, "c.pem", "k.key", "ca.pem", "R");
        act.Should().Throw<ArgumentException>().WithParameterName(parameter).Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Every_argument_is_checked()
    {
        FluentActions.Invoking(() => new KvsIotCertificate(Endpoint, "", "k", "ca", "R")).Should().Throw<ArgumentException>().WithParameterName("certificatePath");
        FluentActions.Invoking(() => new KvsIotCertificate(Endpoint, "c", "k\n", "ca", "R")).Should().Throw<ArgumentException>().WithParameterName("privateKeyPath");
        FluentActions.Invoking(() => new KvsIotCertificate(Endpoint, "c", "k", null!, "R")).Should().Throw<ArgumentNullException>().WithParameterName("caPath");
        FluentActions.Invoking(() => new KvsIotCertificate(Endpoint, "c", "k", "ca", "my role"))
            .Should().Throw<ArgumentException>().WithParameterName("roleAlias").Which.Message.Should().Contain("1 to 128 letters, digits");
        FluentActions.Invoking(() => new KvsIotCertificate(Endpoint, "c", "k", "ca", new string('r', 129))).Should().Throw<ArgumentException>().WithParameterName("roleAlias");
        FluentActions.Invoking(() => new KvsIotCertificate(Endpoint, "c", "-----BEGIN PRIVATE KEY-----MIIEv", "ca", "R"))
            .Should().Throw<ArgumentException>().WithParameterName("privateKeyPath").Which.Message.Should().Contain("not the key").And.NotContain("MIIEv");
        FluentActions.Invoking(() => Sample() with { ThingName = "dock 1" }).Should().Throw<ArgumentException>().WithParameterName("ThingName");
        FluentActions.Invoking(() => Sample() with { ConnectionTimeout = TimeSpan.FromMilliseconds(1500) })
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ConnectionTimeout").Which.Message.Should().Contain("whole seconds");
        FluentActions.Invoking(() => Sample() with { CompletionTimeout = TimeSpan.Zero }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("CompletionTimeout");
        FluentActions.Invoking(() => Sample() with { CompletionTimeout = TimeSpan.FromHours(2) }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("CompletionTimeout");
    }
}
