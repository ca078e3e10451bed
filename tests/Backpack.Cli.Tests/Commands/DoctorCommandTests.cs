using Backpack.Cli.Commands;

namespace Backpack.Cli.Tests.Commands;

public sealed class DoctorCommandTests
{
    [Fact]
    public void Doctor_exits_0_and_prints_one_ok_line_per_prerequisite_when_everything_is_installed()
    {
        var result = BackpackProcess.Run(["doctor"]);

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(line => line.StartsWith("ok", StringComparison.Ordinal) && line.Contains("GStreamer runtime") && line.Contains("1."));
        foreach (var element in new[] { "appsrc", "appsink", "videoconvert", "videoscale", "videorate", "x264enc", "h264parse", "matroskamux", "mp4mux", "splitmuxsink", "RTSP server library" })
        {
            lines.Should().ContainSingle(line => line.Contains(" " + element + " ") && line.StartsWith("ok", StringComparison.Ordinal), element);
        }
        lines.Should().Contain(line => line.Contains("kvssink") && line.Contains("optional"));
    }

    [Fact]
    public void Doctor_exits_1_and_names_the_package_when_GStreamer_is_absent()
    {
        var missing = Path.Combine(Path.GetTempPath(), "backpack-no-gstreamer-" + Guid.NewGuid().ToString("N"));

        var result = BackpackProcess.Run(["doctor"], new Dictionary<string, string?> { ["BACKPACK_GSTREAMER_PATH"] = missing });

        result.ExitCode.Should().Be(1);
        result.Output.Should().MatchRegex(@"MISSING\s+GStreamer runtime .*libgstreamer-1\.0\.so\.0 could not be loaded from .*; install Debian package libgstreamer1\.0-0");
        result.Output.Should().MatchRegex(@"MISSING\s+x264enc .*gstreamer1\.0-plugins-ugly");
        result.Output.Should().Contain("sudo apt-get install libgstreamer1.0-0 ");
    }

    [Fact]
    public void Doctor_exits_1_and_names_the_plugin_package_when_an_element_is_absent()
    {
        // A registry built from an empty plugin directory has only the core elements.
        var empty = Directory.CreateTempSubdirectory("backpack-no-plugins-").FullName;
        try
        {
            var result = BackpackProcess.Run(["doctor"], new Dictionary<string, string?>
            {
                ["GST_PLUGIN_SYSTEM_PATH_1_0"] = empty,
                ["GST_PLUGIN_SYSTEM_PATH"] = empty,
                ["GST_PLUGIN_PATH_1_0"] = null,
                ["GST_PLUGIN_PATH"] = null,
                ["GST_REGISTRY_1_0"] = Path.Combine(empty, "registry.bin"),
                ["GST_REGISTRY"] = Path.Combine(empty, "registry.bin"),
            });

            result.ExitCode.Should().Be(1);
            result.Output.Should().MatchRegex(@"MISSING\s+x264enc .*gstreamer1\.0-plugins-ugly");
            result.Output.Should().MatchRegex(@"ok\s+GStreamer runtime");
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void A_missing_element_of_an_uninstalled_package_says_to_install_it()
    {
        DoctorCommand.Advice("gstreamer1.0-vaapi", optionalInRegistry: true, _ => false).Should().Be("install Debian package gstreamer1.0-vaapi");
    }

    [Fact]
    public void A_missing_optional_element_of_an_installed_package_says_that_installing_will_not_help()
    {
        var advice = DoctorCommand.Advice("gstreamer1.0-plugins-good", optionalInRegistry: true, _ => true);

        advice.Should().Contain("gstreamer1.0-plugins-good is installed").And.Contain("device").And.NotContain("install Debian package");
    }

    [Fact]
    public void A_missing_required_element_always_says_which_package_to_install()
    {
        DoctorCommand.Advice("gstreamer1.0-plugins-ugly", optionalInRegistry: false, _ => true).Should().Be("install Debian package gstreamer1.0-plugins-ugly");
    }

    [Fact]
    public void An_element_Debian_does_not_ship_gets_its_own_advice()
    {
        var advice = DoctorCommand.Advice("none: part of NVIDIA JetPack (nvidia-l4t-gstreamer)", optionalInRegistry: true, _ => throw new InvalidOperationException("not asked"));

        advice.Should().Be("none: part of NVIDIA JetPack (nvidia-l4t-gstreamer)");
    }

    [Fact]
    public void Installed_packages_are_read_from_dpkg()
    {
        DoctorCommand.IsInstalled("libc6").Should().BeTrue();
        DoctorCommand.IsInstalled("no-such-package-backpack").Should().BeFalse();
    }
}
