using Backpack.Aws.Kinesis.KvsSink;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

public sealed class GstSyntaxTests
{
    [Theory]
    [InlineData("cam-1", "cam-1")]
    [InlineData("/run/user/1000/backpack-kvssink-ab/credential", "/run/user/1000/backpack-kvssink-ab/credential")]
    [InlineData("host.example:8443", "host.example:8443")]
    [InlineData("", "\"\"")]
    [InlineData("/my certs/cam 1.pem", "\"/my certs/cam 1.pem\"")]
    [InlineData("IQoJb3+/token==", "\"IQoJb3+/token==\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("a,b=c", "\"a,b=c\"")]
    [InlineData("é", "\"é\"")]
    public void Property_values_are_plain_when_gstreamer_reads_them_unquoted_and_quoted_and_escaped_otherwise(string value, string expected)
    {
        GstSyntax.PropertyValue(value).Should().Be(expected);
    }

    [Theory]
    [InlineData("BackpackRole", "(string)BackpackRole")]
    [InlineData("10", "(string)10")]
    [InlineData("Role=a,b@c", "(string)\"Role=a,b@c\"")]
    [InlineData("/a b/\"k\".key", "(string)\"/a b/\\\"k\\\".key\"")]
    public void Structure_values_are_always_string_typed(string value, string expected)
    {
        GstSyntax.StructureStringValue(value).Should().Be(expected);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a\nb", "U+000A")]
    [InlineData("a\tb", "U+0009")]
    [InlineData("a\0b", "U+0000")]
    public void Text_with_control_characters_or_nothing_is_refused_naming_what_is_wrong(string value, string expected)
    {
        var act = () => GstSyntax.RequireText(value, "path", "certificate path");
        act.Should().Throw<ArgumentException>().WithParameterName("path").Which.Message.Should().Contain("certificate path").And.Contain(expected);
    }
}
