using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// kvssink's credential file (producer-c <c>FileCredentialProvider.c</c>) in a private directory of its own:
/// the format, atomic replacement and removal.
/// </summary>
/// <remarks>
/// The directory is created new, mode 0700, with an unguessable name; the file is written as a temporary file
/// of mode 0600 in the same directory and renamed over the old one, so a reader opens either the old or the
/// new file, never a part of one. Not thread-safe: the handler serialises its calls.
/// </remarks>
internal sealed class KvsCredentialFile
{
    /// <summary>The file's name inside the private directory.</summary>
    internal const string FileName = "credential";

    /// <summary>The prefix of the private directory's name.</summary>
    internal const string DirectoryPrefix = "backpack-kvssink-";

    /// <summary>kvssink refuses files of this many bytes or more (PIC <c>MAX_AUTH_LEN</c>).</summary>
    internal const int MaxFileLength = 10_000;

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private KvsCredentialFile(string directoryPath)
    {
        DirectoryPath = directoryPath;
        FilePath = Path.Combine(directoryPath, FileName);
    }

    /// <summary>The private directory.</summary>
    internal string DirectoryPath { get; }

    /// <summary>The credential file kvssink reads (its <c>credential-path</c>).</summary>
    internal string FilePath { get; }

    /// <summary>
    /// The file's text: <c>CREDENTIALS &lt;key id&gt; &lt;expiration&gt; &lt;secret&gt; [&lt;token&gt;]</c> with the expiration
    /// as <c>YYYY-MM-DDTHH:mm:SSZ</c> (UTC, seconds cut, so never later than the real one), or
    /// <c>CREDENTIALS &lt;key id&gt; &lt;secret&gt;</c> for long-term keys without an expiration; one line.
    /// </summary>
    internal static string Format(ImmutableCredentials credentials, DateTimeOffset? expiration)
    {
        var text = new StringBuilder("CREDENTIALS ").Append(credentials.AccessKey).Append(' ');
        if (expiration is { } expires)
        {
            text.Append(expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(' ');
        }
        text.Append(credentials.SecretKey);
        if (credentials.UseToken)
        {
            text.Append(' ').Append(credentials.Token);
        }
        return text.Append('\n').ToString();
    }

    /// <summary>Creates a new private directory (mode 0700) in <paramref name="parentDirectory"/>.</summary>
    /// <exception cref="InvalidOperationException">The directory could not be created as it must be; the message names it and says why.</exception>
    internal static KvsCredentialFile Create(string parentDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("kvssink's credential file needs Unix file modes; kvssink and Backpack's streaming run on Linux.");
        }
        if (!Directory.Exists(parentDirectory))
        {
            throw new InvalidOperationException($"Cannot create a private directory for kvssink's credential file in {parentDirectory}: it does not exist.");
        }
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var path = Path.Combine(parentDirectory, DirectoryPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            if (Path.Exists(path))
            {
                continue;
            }
            try
            {
                Directory.CreateDirectory(path, DirectoryMode);
                var info = new DirectoryInfo(path);
                if (info.LinkTarget is not null || info.EnumerateFileSystemInfos().Any())
                {
                    throw new InvalidOperationException($"The new directory {path} for kvssink's credential file is a link or not empty; something else created it.");
                }
                // Exactly 0700, whatever the umask took away.
                File.SetUnixFileMode(path, DirectoryMode);
                return new KvsCredentialFile(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Cannot create a private directory for kvssink's credential file in {parentDirectory}: {exception.Message}", exception);
            }
        }
        throw new InvalidOperationException($"Cannot create a private directory for kvssink's credential file in {parentDirectory}: every new name was taken.");
    }

    /// <summary>Replaces the file's content atomically: a temporary file of mode 0600 beside it, written, synced and renamed over it.</summary>
    /// <exception cref="InvalidOperationException">The file could not be written; the message names it and says why (never its content).</exception>
    internal void Write(string content)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("kvssink's credential file needs Unix file modes; kvssink and Backpack's streaming run on Linux.");
        }
        var bytes = Encoding.ASCII.GetBytes(content);
        if (bytes.Length >= MaxFileLength)
        {
            throw new InvalidOperationException($"kvssink's credential file would be {bytes.Length} bytes; kvssink reads only files under {MaxFileLength} bytes.");
        }
        var temporary = Path.Combine(DirectoryPath, $".{FileName}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = FileMode0600,
            }))
            {
                File.SetUnixFileMode(stream.SafeFileHandle, FileMode0600);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, FilePath, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new InvalidOperationException($"Cannot write kvssink's credential file {FilePath}: {exception.Message}", exception);
        }
    }

    /// <summary>Removes the file, any temporary file and the directory. Idempotent; returns the reason when something could not be removed.</summary>
    internal string? Delete()
    {
        try
        {
            if (Directory.Exists(DirectoryPath))
            {
                Directory.Delete(DirectoryPath, recursive: true);
            }
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return exception.Message;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left in the private directory, which Delete removes whole.
        }
    }
}
