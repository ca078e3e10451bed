using System.Text;

namespace Backpack.Aws.Identity;

/// <summary>Who this device is, and which source said so.</summary>
/// <param name="Source">The source that answered.</param>
/// <param name="DeviceId">A stable id of the device: the Panorama device id, the Greengrass thing name, the EC2 instance id, or the machine id (host name when there is none).</param>
/// <param name="DeviceName">A readable name of the device, if the source has one.</param>
/// <param name="Region">The AWS region the source places the device in, if any.</param>
/// <param name="Panorama">The Panorama application identity when <paramref name="Source"/> is <see cref="IdentitySource.Panorama"/>.</param>
/// <param name="Details">More of what the source said (EC2 account, instance type, availability zone; host name and machine id).</param>
/// <param name="Skipped">The sources tried before, each with why it did not answer.</param>
public sealed record ResolvedIdentity(
    IdentitySource Source,
    string DeviceId,
    string? DeviceName,
    string? Region,
    AutoIdentity? Panorama,
    IReadOnlyDictionary<string, string> Details,
    IReadOnlyList<string> Skipped)
{
    /// <summary>
    /// The <c>&lt;AutoIdentity ...&gt;</c> block when Panorama answered; otherwise an <c>&lt;Identity ...&gt;</c>
    /// block in the same style with the source, device id, name, region and details.
    /// </summary>
    public override string ToString()
    {
        if (Panorama is not null)
        {
            return Panorama.ToString();
        }
        var builder = new StringBuilder("<Identity\n");
        Line(builder, "source", Source.ToString().ToLowerInvariant());
        Line(builder, "device_id", DeviceId);
        Line(builder, "device_name", DeviceName);
        Line(builder, "region", Region);
        foreach (var (name, value) in Details.OrderBy(detail => detail.Key, StringComparer.Ordinal))
        {
            Line(builder, name, value);
        }
        return builder.Append('>').ToString();
    }

    private static void Line(StringBuilder builder, string name, string? value) =>
        builder.Append("    ").Append(name).Append('=').Append(value is null ? "None" : $"\"{value}\"").Append('\n');
}
