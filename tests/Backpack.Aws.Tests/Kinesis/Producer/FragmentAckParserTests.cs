using System.Text;
using Backpack.Aws.Kinesis.Producer;
using FsCheck;
using FsCheck.Fluent;

namespace Backpack.Aws.Tests.Kinesis.Producer;

public sealed class FragmentAckParserTests
{
    private const string FragmentNumber = "91343852333181432392682062607743920146264672250";

    private static FragmentAck Parse(string line)
    {
        FragmentAckParser.TryParse(Encoding.UTF8.GetBytes(line), out var ack).Should().BeTrue(line);
        return ack;
    }

    private static bool TryParse(string line) => FragmentAckParser.TryParse(Encoding.UTF8.GetBytes(line), out _);

    [Theory]
    [InlineData("BUFFERING", nameof(FragmentAckType.Buffering))]
    [InlineData("RECEIVED", nameof(FragmentAckType.Received))]
    [InlineData("PERSISTED", nameof(FragmentAckType.Persisted))]
    public void A_fragment_ack_gives_its_event_type_timecode_and_47_digit_fragment_number(string eventType, string expectedType)
    {
        // The enum is internal, and a public test method cannot take it.
        var type = Enum.Parse<FragmentAckType>(expectedType);
        var ack = Parse($$"""{"EventType":"{{eventType}}","FragmentTimecode":1700000000000,"FragmentNumber":"{{FragmentNumber}}"}""");

        ack.Should().Be(new FragmentAck(type, 1_700_000_000_000, FragmentNumber, null, null));
        ack.FragmentNumber.Should().HaveLength(47);
    }

    [Fact]
    public void An_error_ack_gives_its_error_id_and_error_code()
    {
        var ack = Parse($$"""{"EventType":"ERROR","FragmentTimecode":252200,"FragmentNumber":"{{FragmentNumber}}","ErrorId":4004,"ErrorCode":"FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"}""");

        ack.Should().Be(new FragmentAck(FragmentAckType.Error, 252_200, FragmentNumber, 4004, "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"));
    }

    [Fact]
    public void An_error_ack_without_a_timecode_has_a_null_timecode()
    {
        var ack = Parse("""{"EventType":"ERROR","ErrorId":5000,"ErrorCode":"INTERNAL_ERROR"}""");

        ack.Should().Be(new FragmentAck(FragmentAckType.Error, null, null, 5000, "INTERNAL_ERROR"));
    }

    [Fact]
    public void An_idle_ack_has_no_timecode()
    {
        Parse("""{"EventType":"IDLE"}""").Should().Be(new FragmentAck(FragmentAckType.Idle, null, null, null, null));
    }

    [Fact]
    public void An_error_id_sent_as_a_string_is_read_as_a_number()
    {
        Parse("""{"EventType":"ERROR","ErrorId":"4003","ErrorCode":"MAX_CONNECTION_DURATION_REACHED"}""").ErrorId.Should().Be(4003);
        Parse("""{"EventType":"ERROR","ErrorId":"\u0034\u0030\u0030\u0030"}""").ErrorId.Should().Be(4000, "escapes are unescaped first");
    }

    [Theory]
    [InlineData("""{"EventType":"ERROR","ErrorId":"40x0"}""")]
    [InlineData("""{"EventType":"ERROR","ErrorId":99999999999}""")]
    [InlineData("""{"EventType":"ERROR","ErrorId":4.5}""")]
    [InlineData("""{"EventType":"ERROR","ErrorId":null}""")]
    [InlineData("""{"EventType":"ERROR","ErrorId":{"nested":1}}""")]
    public void An_error_id_that_is_no_whole_int_is_absent_not_a_failure(string line)
    {
        var ack = Parse(line);

        ack.Type.Should().Be(FragmentAckType.Error);
        ack.ErrorId.Should().BeNull();
    }

    [Theory]
    [InlineData("""{"EventType":"SOMETHING_NEW","FragmentTimecode":5}""")]
    [InlineData("""{"EventType":"persisted","FragmentTimecode":5}""")]
    [InlineData("""{"EventType":7,"FragmentTimecode":5}""")]
    [InlineData("""{"FragmentTimecode":5}""")]
    public void An_unknown_or_missing_event_type_is_Unknown(string line)
    {
        var ack = Parse(line);

        ack.Type.Should().Be(FragmentAckType.Unknown);
        ack.FragmentTimecode.Should().Be(5);
    }

    [Fact]
    public void Unknown_members_of_any_shape_are_skipped()
    {
        var ack = Parse("""{"Extra":{"a":[1,{"b":"}"}]},"EventType":"RECEIVED","List":[1,2,3],"FragmentTimecode":42,"Flag":true,"Nothing":null}""");

        ack.Should().Be(new FragmentAck(FragmentAckType.Received, 42, null, null, null));
    }

    [Fact]
    public void Whitespace_around_and_inside_the_object_is_tolerated()
    {
        var ack = Parse(" \t{ \"EventType\" :\n \"PERSISTED\" ,\r\n  \"FragmentTimecode\" : 1700000000000 } \r\n ");

        ack.Should().Be(new FragmentAck(FragmentAckType.Persisted, 1_700_000_000_000, null, null, null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""["EventType","IDLE"]""")]
    [InlineData("\"IDLE\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("""{"EventType":"BUFF""")]
    [InlineData("""{"EventType":"PERSISTED","FragmentTimecode":17""")]
    [InlineData("""{"EventType":"PERSISTED",""")]
    [InlineData("""{"EventType":"IDLE"}{"EventType":"IDLE"}""")]
    [InlineData("""{"EventType":"IDLE"}x""")]
    [InlineData("""{"EventType":"IDLE",}""")]
    [InlineData("""{EventType:"IDLE"}""")]
    public void Garbage_and_truncated_json_is_refused_without_throwing(string line)
    {
        TryParse(line).Should().BeFalse();
    }

    [Fact]
    public void A_kept_string_that_is_not_valid_UTF8_or_UTF16_is_refused_without_throwing()
    {
        byte[] invalidUtf8 = [.. """{"EventType":"ERROR","ErrorCode":"A"""u8, 0xF5, .. "\"}"u8];

        FragmentAckParser.TryParse(invalidUtf8, out _).Should().BeFalse();
        TryParse("""{"EventType":"ERROR","FragmentNumber":"\uD800"}""").Should().BeFalse("a lone surrogate is no text");
    }

    [Fact]
    public void Random_bytes_never_make_it_throw_and_a_refusal_leaves_the_default_ack()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
            FragmentAckParser.TryParse(bytes, out var ack) || ack == default);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }

    [Fact]
    public void An_ack_cut_anywhere_or_with_a_byte_changed_never_makes_it_throw_and_a_cut_one_is_refused()
    {
        var line = Encoding.UTF8.GetBytes($$"""{"EventType":"ERROR","FragmentTimecode":1700000000000,"FragmentNumber":"{{FragmentNumber}}","ErrorId":"4000","ErrorCode":"STREAM_READ_ERROR","X":[{"y":null}]}""");
        var cases =
            from cut in Gen.Choose(0, line.Length - 1)
            from at in Gen.Choose(0, line.Length - 1)
            from value in Gen.Choose(0, 255)
            select (Cut: cut, At: at, Value: (byte)value);
        var property = Prop.ForAll(cases.ToArbitrary(), testCase =>
        {
            var changed = (byte[])line.Clone();
            changed[testCase.At] = testCase.Value;
            var changedIsWellFormed = FragmentAckParser.TryParse(changed, out var ack) || ack == default;
            return changedIsWellFormed && !FragmentAckParser.TryParse(line.AsSpan(0, testCase.Cut), out _);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }
}
