using Backpack.Annotation;

namespace Backpack.Tests.Annotation;

public sealed class ColorTests
{
    [Theory]
    [InlineData("#ff8800", 255, 136, 0, 1.0)]
    [InlineData("FF8800", 255, 136, 0, 1.0)]
    [InlineData("#ffffff80", 255, 255, 255, 128 / 255.0)]
    public void FromHex_reads_rrggbb_and_rrggbbaa(string hex, int r, int g, int b, double alpha)
    {
        Color.FromHex(hex).Should().Be(new Color(r, g, b, alpha));
    }

    [Fact]
    public void FromHex_reads_an_integer_0xRRGGBB()
    {
        Color.FromHex(0x123456).Should().Be(new Color(0x12, 0x34, 0x56));
    }

    [Theory]
    [InlineData("#12345")]
    [InlineData("#gg0000")]
    [InlineData("")]
    public void FromHex_rejects_what_is_not_six_or_eight_hex_digits(string hex)
    {
        var act = () => Color.FromHex(hex);

        act.Should().Throw<ArgumentException>().WithMessage("*expected \"#rrggbb\" or \"#rrggbbaa\"*").And.ParamName.Should().Be("value");
    }

    [Theory]
    [InlineData(256, 0, 0, 1.0, "r")]
    [InlineData(0, -1, 0, 1.0, "g")]
    [InlineData(0, 0, 0, 1.5, "alpha")]
    [InlineData(0, 0, 0, double.NaN, "alpha")]
    public void Components_out_of_range_are_rejected_naming_the_parameter(int r, int g, int b, double alpha, string parameter)
    {
        var act = () => new Color(r, g, b, alpha);

        act.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be(parameter);
    }

    // Expected values computed with Python: hashlib.md5((salt + str(id)).encode()).digest()[:3]
    [Theory]
    [InlineData(0, "salt", 21, 73, 4)]
    [InlineData(1, "salt", 85, 243, 18)]
    [InlineData(7, "salt", 254, 198, 43)]
    [InlineData(42, "salt", 17, 127, 15)]
    [InlineData(-3, "salt", 216, 226, 202)]
    [InlineData(123456789, "salt", 176, 26, 114)]
    [InlineData(7, "other", 239, 255, 206)]
    public void FromId_gives_the_colour_of_Python_Backpack(long id, string salt, int r, int g, int b)
    {
        Color.FromId(id, salt).Should().Be(new Color(r, g, b));
    }

    [Fact]
    public void FromId_allocates_nothing()
    {
        Color.FromId(5);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Color.FromId(i);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Brightness_scales_and_caps_each_channel_and_keeps_the_opacity()
    {
        new Color(100, 200, 10, 0.5).Brightness(1.5).Should().Be(new Color(150, 255, 15, 0.5));
        new Color(100, 201, 11).Brightness(0.5).Should().Be(new Color(50, 100, 5));
        var act = () => HtmlColors.Red.Brightness(-1);
        act.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("factor");
    }

    [Fact]
    public void WithAlpha_changes_only_the_opacity()
    {
        HtmlColors.Lime.WithAlpha(0.25).Should().Be(new Color(0, 255, 0, 0.25));
    }

    [Fact]
    public void ToString_is_hex_with_the_alpha_byte_when_there_is_one()
    {
        new Color(255, 136, 0).ToString().Should().Be("#ff8800");
        Color.FromHex("#00ff0066").ToString().Should().Be("#00ff0066");
        new Color(1, 2, 3, 0.3).ToString().Should().Be("#010203 alpha=0.3");
    }

    [Fact]
    public void The_HTML_basic_colours_have_their_standard_values()
    {
        HtmlColors.Maroon.Should().Be(new Color(128, 0, 0));
        HtmlColors.Teal.Should().Be(new Color(0, 128, 128));
        HtmlColors.Map.Colors.Should().HaveCount(16).And.OnlyHaveUniqueItems();
        HtmlColors.Map.FromName("aqua").Should().Be(new Color(0, 255, 255));
        HtmlColors.Map.FromName("Fuchsia").Should().Be(new Color(255, 0, 255));
        HtmlColors.Map.FromName("acqua").Should().BeNull();
    }

    [Fact]
    public void A_colour_map_gives_identifiers_its_colours_in_turn()
    {
        var map = new ColorMap([("a", HtmlColors.Red), ("b", HtmlColors.Green), ("c", HtmlColors.Blue)]);

        Enumerable.Range(0, 4).Select(id => map.ColorFromId(id)).Should().Equal(HtmlColors.Red, HtmlColors.Green, HtmlColors.Blue, HtmlColors.Red);
        map.ColorFromId(-1).Should().Be(HtmlColors.Blue);
        map.Names.Should().Equal("a", "b", "c");
    }

    [Fact]
    public void A_colour_map_rejects_no_colours_and_duplicate_names()
    {
        var empty = () => new ColorMap([]);
        var duplicate = () => new ColorMap([("red", HtmlColors.Red), ("RED", HtmlColors.Maroon)]);

        empty.Should().Throw<ArgumentException>().WithMessage("*at least one colour*");
        duplicate.Should().Throw<ArgumentException>().WithMessage("*'RED' appears twice*");
    }
}
