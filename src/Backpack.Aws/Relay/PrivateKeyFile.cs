namespace Backpack.Aws.Relay;

/// <summary>Whether a private key file is open to users other than its owner.</summary>
internal static class PrivateKeyFile
{
    private const UnixFileMode OthersAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The file's mode in octal (such as <c>0644</c>) when its group or others have any access to it; null when only its owner has.</summary>
    internal static string? OpenToOthers(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        var mode = File.GetUnixFileMode(path);
        return (mode & OthersAccess) == 0 ? null : "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
    }
}
